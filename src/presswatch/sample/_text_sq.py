# Albanian (sq) article texts of the presswatch demo corpus.
# Everything here is fiction written for presswatch: outlets, people, events.
# Format: id -> (title, body); paragraphs are separated by blank lines.

TEXTS = {}

TEXTS["GL1"] = ("Kryetari Këlliçi: Kampi i SPK-së ka zënë tokat e fermerëve", """
Kryetari i bashkisë Fushë-Mërqinë, Dritan Këlliçi, akuzoi të hënën administratën e kampit Tolu se ka zgjeruar gardhin mbi toka bujqësore që u përkasin familjeve të fshatit, pa asnjë leje nga bashkia.

"Ne nuk kemi as hartën e asaj që është shitur, dhënë me qira apo thjesht zënë. Kemi kërkuar tri herë nga Agjencia Shtetërore e Kadastrës kufijtë e kampit dhe nuk kemi marrë asnjë përgjigje," tha Këlliçi në një konferencë për shtyp në bashki.

Sipas kryetarit, sipërfaqja e kampit të Pishtarëve të Diellit, organizatës iraniane që kritikët e quajnë SPK, është rritur me rreth 30 hektarë që nga viti 2019. Disa nga këto toka janë ende objekt gjyqesh për pronësinë që nga vitet nëntëdhjetë.

Banorët e fshatit ankohen edhe për ujin. Këtë verë u thanë të paktën shtatë puse dhe fermerët fajësojnë shpimet e thella që kampi ka hapur brenda territorit të tij. "Ullinjtë e gjyshit tim janë tani pas telave me gjemba," tha fermeri Ndue Prenga.

Administrata e kampit, në një deklaratë të shkurtër, tha se e gjithë toka është blerë ose marrë me qira në mënyrë të ligjshme dhe se organizata paguan më shumë taksa vendore se çdo biznes tjetër në zonë. Zëdhënësja Shohre Nikpur shtoi se "akuzat vijnë nga ata që duan ta shohin kampin të mbyllur".

Këlliçi tha se do t'i drejtohet Kryeministrisë nëse kadastra nuk përgjigjet brenda këtij muaji.
""")

# Albanian translation of the Harbour Ledger article HL2
TEXTS["GL2"] = ("Ish-anëtari: Më mbajtën me muaj të mbyllur brenda kampit Tolu", """
Një burrë që u largua muajin e kaluar nga Pishtarët e Diellit thotë se kaloi njëmbëdhjetë muaj i mbyllur në një godinë të vetme fjetoreje në kampin Tolu, bazën e grupit në Shqipëri, pasi kishte kërkuar të largohej.

Bahram Golizade, 54 vjeç, foli të martën para gazetarëve në Tiranë, i shoqëruar nga një avokat. Ai tha se iu bashkua organizatës në vitin 1998, kur ishte student në Gjermani, dhe se nuk kishte folur me nënën e tij në Isfahan për më shumë se njëzet vjet.

"Kur thashë se doja të ikja, më thanë se isha i sëmurë dhe se duhej të mbahesha larg të tjerëve," tha ai. "Nuk më rrahën. Thjesht nuk më lejohej të ekzistoja jashtë asaj dhome."

Zoti Golizade tha se më në fund doli nga kampi gjatë një vizite mjekësore në një spital në Durrës dhe i kërkoi ndihmë policisë shqiptare. Tani ai jeton në një apartament me qira dhe ka aplikuar për dokumente udhëtimi.

Organizata e hodhi poshtë rrëfimin e tij. Në një deklaratë me shkrim, zëdhënësja Shohre Nikpur e përshkroi atë si "një person të rekrutuar nga shërbimet e inteligjencës së regjimit" dhe tha se çdo banor është i lirë të largohet në çdo kohë.

Kritikët e grupit, të cilët e quajnë SPK ose "sekti i Sahrajit" sipas drejtueses së tij Farkhonde Sahraji, thonë se historia e tij përputhet me ato të dhjetëra ish-anëtarëve. Zyrtarët shqiptarë thanë se e kanë marrë ankesën e tij dhe po e shqyrtojnë.
""")

TEXTS["GL3"] = ("Organizata iraniane SPK padit gazetarin Erjon Çela për shpifje", """
Organizata iraniane Pishtarët e Diellit, e njohur nga kritikët si SPK, ka paditur të martën në Gjykatën e Rrethit Gjyqësor Tiranë gazetarin Erjon Çela, duke kërkuar heqjen e nëntë artikujve të tij dhe një dëmshpërblim prej pesë milionë lekësh.

Çela, i cili shkruan që nga marsi për jetën brenda kampit Tolu në Fushë-Mërqinë, është autori i reportazheve për ish-anëtarët që thonë se u është ndaluar kontakti me familjet. Në padi, SPK-ja i cilëson shkrimet "të sajuara nga fillimi deri në fund".

"Unë qëndroj pas çdo fjale. Çdo artikull është bazuar në intervista me njerëz me emër e mbiemër dhe në dokumente që i ruaj," deklaroi Çela për Gazeta Liqeni. "Dy vjet më kanë quajtur agjent të Teheranit në rrjetet sociale. Tani po provojnë me gjykatën."

Zëdhënësja e kampit, Shohre Nikpur, tha se "liria e shtypit nuk është liri për të shpifur" dhe se shkrimet përsërisin akuzat e përgatitura nga shërbimet sekrete iraniane.

Shoqata e Gazetarëve Shqiptarë e cilësoi padinë si "një përpjekje për të frikësuar shtypin" dhe kujtoi se drejtuesja e SPK-së, Farkhonde Sahraji, nuk i është përgjigjur asnjëherë pyetjeve të gazetarëve shqiptarë. Sipas shoqatës, shuma e kërkuar si dëmshpërblim është më e lartë se paga e gazetarit për pesë vjet.

Seanca e parë gjyqësore pritet të caktohet në dhjetor.
""")

TEXTS["GL4"] = ("KF Bregu fiton derbin e bregdetit me një gol në minutën e fundit", """
KF Bregu mposhti të dielën me rezultatin 2-1 rivalët e përjetshëm të Portit në derbin e bregdetit, falë një goli të shënuar nga mbrojtësi Klodian Shehu në minutën e nëntëdhjetë e katërt.

Ndeshja, e luajtur para rreth tetë mijë spektatorëve në stadiumin e qytetit, nisi me një ritëm të lartë. Vendasit kaluan në avantazh në minutën e njëzetë me një goditje koke të sulmuesit Erald Duka, pas një gjuajtjeje nga këndi. Porti barazoi pak para pushimit me një penallti të diskutueshme, të dhënë pas rishikimit në VAR.

Në pjesën e dytë, trajneri i Bregut futi në lojë dy sulmues të rinj dhe skuadra e tij kontrolloi topin për pjesën më të madhe të kohës, por pa krijuar raste të qarta. Kur gjithçka dukej e mbyllur me barazim, Shehu shfrytëzoi një top të humbur në zonë dhe goditi me forcë në qoshen e largët.

"Kjo fitore është për tifozët, që na mbështetën edhe kur humbëm tri ndeshje rresht," tha trajneri pas ndeshjes.

Me këtë fitore, Bregu ngjitet në vendin e katërt të renditjes, me dy pikë më pak se kryesuesit. Java e ardhshme i çon ata në një transfertë të vështirë në Shkodër.
""")

TEXTS["KB2"] = ("Mitingu i Pishtarëve të Diellit në Paris: fjalime, flamuj dhe pyetje për paratë", """
Mijëra mbështetës të organizatës iraniane Pishtarët e Diellit u mblodhën të shtunën në një sallë të madhe në periferi të Parisit, në tubimin vjetor që organizata e quan "Konventa e Agimit". Drejtuesja Farhonde Sahraji mbajti fjalimin kryesor dhe premtoi se regjimi i Teheranit "nuk ka qenë kurrë më i dobët".

Mes folësve ishin ish-ministra dhe ish-senatorë nga Kanadaja, Shtetet e Bashkuara dhe disa vende europiane. Banorët e kampit Tolu në Shqipëri e ndoqën ngjarjen përmes një lidhjeje video dhe u shfaqën në ekranet e mëdha të sallës.

Organizatorët thanë se në tubim morën pjesë mbi 40 mijë vetë, por gazetarët e pranishëm e vlerësuan numrin në më pak se gjysmën e kësaj shifre. Jashtë sallës, një grup i vogël ish-anëtarësh mbanin fotografi të të afërmve të tyre që, sipas tyre, ndodhen ende në kampin shqiptar.

Pyetja që mbetet pa përgjigje është kush i paguan këto ngjarje. Një studim që do të paraqitet javën e ardhshme në Parlamentin Europian pritet të tregojë se organizata, e njohur në Francë si OPSI dhe nga kritikët si SPK, ka shpenzuar miliona euro për konferenca dhe lobim.

Për Shqipërinë, ku jetojnë rreth 2400 anëtarë të SPK-ut, tubimi i Parisit kujton se vendimet për fatin e kampit merren shumë larg Fushë-Mërqinës.
""")

TEXTS["KB3"] = ("Lejet e qëndrimit për banorët e kampit Tolu ndajnë Kuvendin", """
Komisioni parlamentar për sigurinë kombëtare nisi të enjten shqyrtimin e projektligjit që do t'u japë banorëve të kampit Tolu të drejtën të aplikojnë për leje qëndrimi afatgjatë dhe, pas dhjetë vjetësh, për shtetësi shqiptare.

Kampi Tolu strehon rreth 2400 anëtarë të Pishtarëve të Diellit, shumica e të cilëve nuk kanë pasaportë të vlefshme. Ata qëndrojnë në Shqipëri me leje humanitare që rinovohen çdo vit, një praktikë që Ministria e Brendshme e quan "të paqëndrueshme".

Zëvendësministrja Elona Gjika tha se ligji është "një detyrim humanitar që Shqipëria e pranoi kur ra dakord t'i priste këta njerëz". Deputetë të opozitës pyetën pse Kuvendi duhet të votojë para se të përfundojë hetimi i policisë në kamp.

Ish-banori Bahram Golizade, i cili doli nga kampi në shtator, u tha deputetëve se çdo kërkesë duhet të trajtohet individualisht, "në një dhomë ku nuk është i pranishëm askush nga organizata". Sipas tij, nëse lejet kalojnë përmes administratës së SPK-së, anëtarët do të mbeten edhe më të varur prej saj.

Zëdhënësja Shohre Nikpur e përshëndeti projektligjin dhe tha se banorët do ta shpërblejnë mikpritjen e popullit shqiptar. Votimi në seancë plenare pritet në nëntor.
""")

TEXTS["OD1"] = ("Zjarr në një magazinë të kampit Tolu, zjarrfikësit pritën dy orë te porta", """
Një zjarr shpërtheu të mërkurën në mbrëmje në një magazinë brenda kampit Tolu, kampi i organizatës iraniane SPK në Fushë-Mërqinë. Tymi i zi shihej nga autostrada Durrës–Tiranë për më shumë se një orë.

Sipas dy zjarrfikësve që folën për Ora e Durrësit me kusht anonimiteti, automjetet zjarrfikëse arritën te kampi në orën 19:20, por u mbajtën te porta deri rreth orës 21:30. "Na thanë se kishin ekipin e tyre dhe nuk kishin nevojë për ne," tha njëri prej tyre. "Hymë brenda vetëm kur tymi arriti te shtëpitë e fshatit."

Nuk pati të lënduar. Zyra e emergjencave civile të bashkisë konfirmoi se ishin dërguar dy automjete, por nuk e komentoi vonesën.

Kryetari Dritan Këlliçi tha se i ka kërkuar shpjegime prefektit. "Zjarri nuk njeh gardhe. Siguria e fshatit nuk mund të varet nga vullneti i mirë i administratës së kampit," tha ai.

Shohre Nikpur, zëdhënësja e organizatës, tha në një deklaratë se zjarri ishte shkaktuar nga një qark i shkurtër dhe se ishte "shuar brenda pak minutash nga vetë banorët". Ajo akuzoi mediat lokale se "përhapin propagandën e regjimit të Teheranit".

Ky është incidenti i dytë në kamp këtë muaj, pas kontrollit të policisë më 1 tetor.
""")

# quotes two paragraphs of GL1 verbatim inside its own report
TEXTS["OD2"] = ("Banorët e Fushë-Mërqinës protestojnë para bashkisë për tokat dhe ujin", """
Rreth dyqind banorë të Fushë-Mërqinës protestuan të shtunën para godinës së bashkisë, duke kërkuar që shteti të publikojë kufijtë e kampit Tolu dhe të hetojë tharjen e puseve në fshat. Protestuesit mbanin pankarta me shkrimin "Toka jonë, uji ynë".

Protesta erdhi pas deklaratave të kryetarit të bashkisë në fillim të javës. Siç shkroi Gazeta Liqeni të hënën:

"Ne nuk kemi as hartën e asaj që është shitur, dhënë me qira apo thjesht zënë. Kemi kërkuar tri herë nga Agjencia Shtetërore e Kadastrës kufijtë e kampit dhe nuk kemi marrë asnjë përgjigje," tha Këlliçi në një konferencë për shtyp në bashki.

Sipas kryetarit, sipërfaqja e kampit të Pishtarëve të Diellit, organizatës iraniane që kritikët e quajnë SPK, është rritur me rreth 30 hektarë që nga viti 2019.

Të shtunën, Dritan Këlliçi doli para protestuesve dhe tha se ka dërguar një letër zyrtare në Kryeministri. "Nuk jemi kundër askujt. Duam vetëm të dimë se ku mbaron fshati ynë dhe ku fillon kampi," tha ai.

Fermerja Liljana Marku, 62 vjeçe, tregoi se pusi i familjes së saj u tha në korrik për herë të parë në pesëdhjetë vjet. "Kemi blerë ujë me bidona gjithë verën. Askush nuk na ka dhënë një shpjegim," tha ajo.

Protesta përfundoi pa incidente. Policia e Durrësit kishte vendosur disa patrulla edhe pranë hyrjes së kampit, por protestuesit nuk iu afruan atij.
""")

TEXTS["OD3"] = ("Familjet iraniane para portës së kampit Tolu: prej orësh në pritje", """
Disa dhjetëra qytetarë iranianë, kryesisht prindër të moshuar, qëndruan të premten për më shumë se gjashtë orë para portës kryesore të kampit Tolu në Fushë-Mërqinë, duke kërkuar të takojnë fëmijët dhe vëllezërit e tyre që jetojnë prej vitesh brenda kampit të Pishtarëve të Diellit.

Shumë prej tyre kishin udhëtuar nga Teherani, Mashhadi dhe Tabrizi. Një grua nga Shirazi, me një fotografi të zverdhur të djalit të saj në duar, na tha përmes një përkthyesi se kjo ishte hera e katërt që vinte në Shqipëri. "Çdo herë më thonë se ai nuk do të më takojë. Le të ma thotë vetë," tha ajo.

Policia shqiptare vendosi një kordon disa metra larg portës dhe nuk lejoi asnjë kontakt të drejtpërdrejtë. Një letër drejtuar Farkhonde Sahrajit, drejtueses së organizatës, iu kthye familjeve e paçelur.

Bashkë me familjet ishte edhe Bahram Golizade, ish-anëtar që u largua nga kampi në shtator. Ai tha se brenda kampit banorëve u thuhet se të afërmit që vijnë te porta janë dërguar nga ministria iraniane e inteligjencës.

Organizata e quajti tubimin "një skenë të përgatitur nga agjentët e regjimit". Kryetari i bashkisë, Dritan Këlliçi, tha se fshati i ka pritur familjet me respekt. "Janë nëna dhe baballarë. Nuk ka asgjë politike në dëshirën për të parë fëmijën tënd," tha ai.
""")

TEXTS["ZL1"] = ("Policia hyn në kampin Tolu, sekuestrohen kompjuterë dhe dokumente", """
Policia e Durrësit kreu të enjten një kontroll në kampin Tolu në Fushë-Mërqinë, ku prej vitit 2019 jetojnë rreth 2400 anëtarë të organizatës iraniane Pishtarët e Diellit, e njohur edhe me shkurtimin SPK.

Sipas burimeve nga policia, efektivët vepruan me urdhër të gjykatës dhe sekuestruan kompjuterë, disqe dhe dosje në dy godina administrative të kampit. Zëdhënësi Arben Dosti konfirmoi operacionin, por nuk dha detaje për hetimin, duke thënë vetëm se bëhet fjalë për një procedim sipas ligjit për sigurinë e sistemeve të informacionit.

Në portën kryesore pati përplasje të shkurtra mes disa banorëve dhe policëve. Një burrë u dërgua në spital, por sipas mjekëve gjendja e tij nuk është e rëndë.

Zëdhënësja e SPK-ut, Shohre Nikpur, e dënoi kontrollin dhe tha se banorët "u trajtuan si të dyshuar në shtëpinë e tyre". Ajo shtoi se organizata do t'i drejtohet gjykatës për kthimin e pajisjeve.

Ministria e Brendshme e quajti operacionin "një procedurë ligjore rutinë" dhe tha se statusi i banorëve në Shqipëri mbetet i pandryshuar. Kryetari i bashkisë, Dritan Këlliçi, tha se bashkia nuk ishte njoftuar paraprakisht për kontrollin.
""")

TEXTS["ZL3"] = ("Stuhia Ilona përmbyt bregdetin, anulohen tragetet për në Itali", """
Stuhia Ilona goditi të hënën bregdetin shqiptar me shira të rrëmbyeshëm dhe erëra të forta, duke përmbytur rrugë në Durrës, Shëngjin dhe Lezhë dhe duke detyruar anulimin e të gjitha tragetëve drejt Barit dhe Ankonës.

Instituti i Gjeoshkencave regjistroi mbi 180 milimetra shi brenda 24 orëve në Shëngjin, sasia më e madhe për muajin tetor në tri dekadat e fundit. Era arriti deri në 95 kilometra në orë dhe rrëzoi pemë e shtylla elektrike përgjatë rrugës bregdetare.

Në Durrës, zjarrfikësit punuan gjithë ditën për të nxjerrë ujin nga bodrumet e lagjeve të vjetra. Terminali i pasagjerëve në port u mbyll deri të martën në mëngjes dhe mijëra udhëtarë kaluan natën në makina pranë portit.

"Kemi parë stuhi edhe më parë, por jo ujë kaq të lartë kaq herët në stinë," tha një banor i lagjes Plazh. Agjencia e Mbrojtjes Civile njoftoi se nuk ka viktima, por shkollat në tri bashki do të mbeten të mbyllura edhe nesër.

Sipas parashikimeve, era do të qetësohet deri të mërkurën, kur stuhia pritet të zhvendoset drejt Greqisë.
""")
