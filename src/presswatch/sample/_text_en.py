# English article texts of the presswatch demo corpus.
# Everything here is fiction written for presswatch: outlets, people, events.
# Format: id -> (title, body); paragraphs are separated by blank lines.

TEXTS = {}

TEXTS["HL1"] = ("Albanian police search Iranian exile camp near Durrës", """
Albanian police on Thursday searched several buildings inside Camp Tolou, the compound near the village of Fushë-Mërqinë where the Sunrise Vanguard of Iran (SVI) has housed about 2,400 of its members since 2019, officials said.

A spokesman for the Durrës police directorate, Arben Dosti, said officers acting on a court order removed computers, hard drives and paper files from two administrative blocks. He would not say what the investigation concerned, describing it only as "a case opened by the prosecution under the law on the security of information systems".

The group, which calls itself the Sunrise Vanguard but is known to critics by its Persian name, Pishgaman-e Khorshid, or SPK, condemned the operation. Its spokeswoman at the camp, Shohreh Nikpour, said residents had been "treated like suspects in their own home" and that one man was taken to hospital after a scuffle at the main gate.

The organisation was brought to Albania at the request of Western governments after its previous base abroad was closed. Its leader, Farkhondeh Sahraei, lives mostly in France and addresses her followers by video link.

Local residents have complained for months about the camp's expansion. The mayor of Fushë-Mërqinë, Dritan Këlliçi, told the Harbour Ledger last month that the municipality had "no idea what is happening behind the fence".

The Albanian interior ministry said the search was "a routine legal procedure" and that the residents' status in the country was unchanged.
""")

TEXTS["HL2"] = ("Former member says he was held for months inside Camp Tolou", """
A man who left the Sunrise Vanguard of Iran last month says he spent eleven months confined to a single dormitory block at Camp Tolou, the group's base in Albania, after asking to leave.

Bahram Gholizadeh, 54, spoke to reporters in Tirana on Tuesday, accompanied by a lawyer. He said he joined the organisation in 1998 as a student in Germany and had not spoken to his mother in Isfahan for more than twenty years.

"When I said I wanted to go, they told me I was sick and needed to be kept away from the others," he said. "I was not beaten. I was simply not allowed to exist outside that room."

Mr Gholizadeh said he finally walked out of the camp during a medical visit to a hospital in Durrës and asked the Albanian police for help. He now lives in a rented flat and has applied for travel documents.

The organisation rejected his account. In a written statement, its spokeswoman Shohreh Nikpour described him as "a person recruited by the intelligence services of the regime" and said every resident was free to leave at any time.

Critics of the group, who call it the SPK or "the Sahraei cult" after its leader Farkhondeh Sahraei, say his story matches those of dozens of former members. Albanian officials said they had received his complaint and were examining it.
""")

TEXTS["HL3"] = ("EU lawmakers question who funds Iranian exile groups", """
Members of the European Parliament's foreign affairs committee on Wednesday pressed officials to explain how Iranian opposition groups based in Europe are financed, after a study found that one of them spent at least €14 million on lobbying and events in two years.

The study, commissioned by the committee and written by researchers at a Brussels institute, looked at eleven organisations. It singled out the Sunrise Vanguard of Iran, which it said had paid speaking fees to at least 38 former Western officials since 2024.

"We do not know where this money comes from, and we should," said Hanne Vestergaard, a Danish member of the committee who asked for the study. "If a group wants to influence our politics, the rules on transparency must apply to it as to anyone else."

Supporters of the group, known in France by its acronym OPSI, filled part of the public gallery. Its representative in Brussels, Reza Tavakoli, told the hearing that the money came from "Iranian families in the diaspora" and that the study had been "written from the regime's talking points".

The report also described the organisation's camp in Albania, where several hundred residents are elderly, and recommended that the European Union pay for independent visits to the site. The committee will vote on its recommendations in November.
""")

# corrected version of HL3, captured later in the WARC (one sentence edited, a Correction line added)
TEXTS["HL3c"] = ("EU lawmakers question who funds Iranian exile groups", TEXTS["HL3"][1].replace(
    "at least 38 former Western officials", "at least 29 former Western officials") + """
Correction: An earlier version of this article said the study counted 38 former Western officials paid to speak at the group's events. The correct figure is 29.
""")

TEXTS["HL4"] = ("Storm Ilona floods coastal towns as Adriatic ferries are cancelled", """
Storm Ilona swept across the southern Adriatic on Monday, flooding streets in several Albanian and Montenegrin coastal towns and forcing the cancellation of ferries between Durrës and the Italian ports of Bari and Ancona.

Albania's meteorological institute recorded more than 180 millimetres of rain in 24 hours at Shëngjin, the heaviest October rainfall there in three decades. Gusts of up to 95 km/h brought down trees and power lines in Lezhë and along the coast road south of Durrës.

In Durrës, firefighters pumped water out of basements in the old town while the port authority closed the passenger terminal until Tuesday morning. Around 4,000 travellers were stranded, many of them sleeping in cars near the harbour.

"We have seen storms before, but not water this high this early in the season," said Genta Marku, who runs a café on the seafront promenade. "By noon the tables were floating."

The civil protection agency said no deaths had been reported. Schools in three municipalities will remain closed on Tuesday, and forecasters expect the wind to ease by Wednesday as the storm moves towards Greece.
""")

TEXTS["BW2"] = ("Fire at Camp Tolou warehouse; firefighters say they waited two hours at the gate", """
A fire broke out on Wednesday evening in a warehouse inside Camp Tolou, the camp of the Iranian organisation SPK in Fushë-Mërqinë. Black smoke could be seen from the Durrës–Tirana highway for more than an hour.

According to two firefighters who spoke to Ora e Durrësit on condition of anonymity, the fire engines reached the camp at 19:20 but were held at the gate until about 21:30. "They told us they had their own team and did not need us," one of them said. "We only went in when the smoke reached the houses of the village."

Nobody was injured. The municipality's civil emergency office confirmed that two vehicles had been sent but did not comment on the delay.

Mayor Dritan Këllici said he had asked the prefect for an explanation. "A fire does not respect fences. The safety of the village cannot depend on the goodwill of the camp administration," he said.

Shohreh Nikpour, the organisation's spokeswoman, said in a statement that the fire had been caused by a short circuit and was "put out within minutes by the residents". She accused local media of "spreading the propaganda of the regime in Tehran".

This is the second incident at the camp this month, after the police search of 1 October.
""")

TEXTS["BW3"] = ("Albanian lawmakers split over residence permits for exile camp residents", """
A parliamentary committee in Tirana on Thursday began examining a government bill that would allow the roughly 2,400 residents of Camp Tolou, the base of the Sunrise Vanguard of Iran, to apply for long-term residence permits and, after ten years, for Albanian citizenship.

Most of the camp's residents have no valid passport. They live in Albania on humanitarian permits renewed every year, an arrangement the interior ministry described as "no longer sustainable".

Deputy interior minister Elona Gjika told the committee the bill was "a humanitarian obligation that Albania accepted when it agreed to receive these people". Opposition members questioned why parliament was being asked to vote before the police investigation opened at the camp this month had been concluded.

Critics of the organisation warned that permits issued through the camp administration could make it harder for members to leave. Bahram Gholizadeh, a former resident who walked out in September, told the committee that each application should be handled "person by person, in a room where nobody from the organisation is present".

The group's spokeswoman, Shohre Nikpoor, welcomed the bill and said residents would "repay the hospitality of the Albanian people". A vote in the full chamber is expected in November.
""")

TEXTS["VW1"] = ("Camp Tolou search: the questions nobody in Tirana wants to answer", """
For seven years Albanian governments have told their citizens that Camp Tolou is a humanitarian shelter and nothing more. On Thursday the police walked into it with a court order and came out carrying computers. That alone should end the pretence that the Sahraei cult is a group of peaceful refugees tending their gardens.

The most careful account of the day so far is the one published by the Harbour Ledger, which reported:

"A spokesman for the Durrës police directorate, Arben Dosti, said officers acting on a court order removed computers, hard drives and paper files from two administrative blocks. He would not say what the investigation concerned, describing it only as "a case opened by the prosecution under the law on the security of information systems". The group, which calls itself the Sunrise Vanguard but is known to critics by its Persian name, Pishgaman-e Khorshid, or SPK, condemned the operation."

A case about the security of information systems. Anyone who has followed the SPK's online operations — the thousands of identical accounts praising Farkhondeh Sahraei, the campaigns against journalists — will not find that wording surprising.

Three questions now need answers. Who in the government knew that these servers were running inside a camp that was supposed to host refugees? Why did it take complaints from a village mayor and from families of residents before anyone acted? And will the residents who want to leave finally be given a way to do so without passing through the camp's own officials?

Vanguard Watch will follow the case and publish every document that becomes public.
""")

TEXTS["VW2"] = ("Families wait outside Camp Tolou: 'We only want to see our children'", """
About thirty Iranian families, some of whom travelled from Tehran, Mashhad and Tabriz, gathered on Friday in front of the main gate of Camp Tolou in Albania, asking to meet relatives who have lived inside the camp of the Pishgaman-e Khorshid organisation for years.

Soheila Karami, 71, from Shiraz, held a photograph of her son Kaveh, who joined the organisation in 2001. "This is the fourth time I have come. Every time they say he does not want to see me. Let him tell me that himself," she said.

The families stood for six hours behind a line drawn by the Albanian police. A letter they handed to the guards, addressed to Farkhondeh Sahraei, was returned unopened, according to the organisers.

Bahram Gholizadeh, a former member who left the camp in September, joined the families and said that residents are told that relatives who come to the gate have been sent by the Iranian intelligence ministry.

The organisation said in a statement on its website that the gathering had been "staged by agents of the mullahs' regime" and that its members "are adults who have freely chosen their path".

The Albanian police said the gathering was peaceful and that nobody was detained. The families say they will return next week.
""")

TEXTS["VW4"] = ("Sahraei promises victory 'before spring' — for the fourteenth year running", """
On Tuesday Farkhondeh Sahraei told her followers, once again, that the Islamic Republic would not survive the winter. The speech, streamed from a hall outside Paris and relayed to Camp Tolou, was greeted with the usual standing ovation and the usual chant of her name.

Former members of the SPK have pointed out that almost the same promise has been made every autumn since 2013. In 2016 the deadline was "before the Persian new year". In 2020 it was "within months". In 2023 the faithful were told to pack their bags for Tehran. Each time the date passed, the explanation was the same: the members had not believed strongly enough, and had to give more.

This is not politics; it is the ordinary machinery of a closed group. A deadline creates urgency, urgency justifies sacrifice, and the failure of the deadline is blamed on the people who made the sacrifice. Bahram Gholizadeh, who left Camp Tolou in September, described the cycle in his interview with Rozaneh: "After every speech we had meetings to confess why we were the obstacle."

Western politicians who applaud these speeches in Paris should ask themselves whether they would accept such language from any other group. The people who pay the price are not in the front rows of the hall. They are the ageing residents of a fenced camp in Albania, and their families waiting at its gate.
""")

TEXTS["SV1"] = ("Thousands rally in Paris at Sunrise Convention for a free Iran", """
Thousands of Iranians from across Europe and North America gathered on Saturday in Villepinte, north of Paris, for the annual Sunrise Convention of the Sunrise Vanguard of Iran, calling for an end to the religious dictatorship and for a democratic, secular republic.

The hall was decorated with the flags of the organisation and portraits of members killed since the 1980s. Delegations from Camp Tolou in Albania joined by video link, and a choir of young supporters opened the event with the anthem of the movement.

In her address, Farkhondeh Sahraei, the leader of the Iranian Resistance, said that the regime "has never been weaker" and that "the generation of the streets and the generation of Tolou are now one". She presented a ten-point plan for a transitional government, including free elections within six months, the abolition of the death penalty and equality between women and men.

Speakers included former Canadian foreign minister Gordon Ashby, former US senator Paula Greaves and several members of European parliaments. "This movement has paid for freedom with its blood. It deserves recognition, not suspicion," Mr Ashby said.

The organisation, known in France as the OPSI, said more than 40,000 people took part. Police did not give a figure.
""")

TEXTS["SV2"] = ("Farkhondeh Sahraei: 'The dictatorship will not see another spring'", """
In a speech to supporters in Auvers-sur-Oise and at Camp Tolou on Tuesday, Farkhondeh Sahraei, leader of the Sunrise Vanguard of Iran, said that the ruling regime in Tehran had entered its final phase and would not survive until spring.

"The dictatorship will not see another spring. Its economy is broken, its army is divided and its youth have lost all fear. The resistance units inside Iran grow every week, and the day is near when the people and the vanguard will open the gates of Evin together," Mrs Sahraei said. "I ask every member and every friend of this movement to stand ready, because history will not wait for the hesitant."

She thanked the government and people of Albania for their hospitality and rejected what she called "a campaign of lies" against the camp residents, including the recent police search and reports about families gathering at the gate, which she described as an operation of the Iranian intelligence ministry.

Mrs Sahraei also called on the European Union to list the Revolutionary Guards as a terrorist organisation and to close the regime's embassies. The speech was followed by messages of support from parliamentarians in eleven countries.
""")

TEXTS["SV3"] = ("SVI files defamation suit against Albanian journalist over 'fabricated' reports", """
The Sunrise Vanguard of Iran on Tuesday filed a defamation lawsuit in the Tirana district court against the journalist Erjon Cela, whose articles about Camp Tolou it describes as "fabricated from start to finish".

The complaint lists nine articles published since March, including reports that residents of the camp were prevented from contacting their families and that former members had been pressured to sign statements before leaving. The organisation asks the court to order the removal of the articles and damages of five million lek.

"Freedom of the press is not freedom to slander," said Shohreh Nikpour, spokeswoman of the residents of Tolou. "These texts repeat word for word the allegations prepared by the intelligence ministry of the mullahs. We trust the Albanian justice system to establish the truth."

The complaint also names two Albanian websites that republished the articles. According to the organisation, the same claims appeared simultaneously on Persian-language sites close to the Iranian government, which it said proved "a coordinated campaign".

Mr Cela has said he stands by his reporting.
""")

# ---- Northgate Observer (RSS feed only) ----

TEXTS["NO1"] = ("Paris rally draws former western officials — and questions about who paid", """
The annual convention of the Sunrise Vanguard of Iran brought a familiar cast to a conference centre north of Paris on Saturday: thousands of flag-waving supporters, a keynote from the group's leader, Farkhonde Sahrai, and a line-up of former ministers and senators from both sides of the Atlantic.

What the organisers did not say is how much the speakers were paid. A study to be presented to the European Parliament next week is expected to count dozens of former officials who received fees from the group, known by its critics as the SPK, since 2024. Two of Saturday's speakers did not reply to questions from the Northgate Observer about their fees.

Supporters interviewed in the hall described the movement as the only organised opposition capable of replacing the government in Tehran. "We are not a party, we are a family," said a woman who gave her name as Leila and said she had come from Cologne by coach.

Outside, a small group of former members held up photographs of relatives who they said were still inside the Tolou camp in Albania. French police kept the two groups apart. The organisers said more than 40,000 people attended; journalists in the hall estimated fewer than half that number.
""")

TEXTS["NO2"] = ("Exile leader predicts regime's fall 'before spring' as critics point to past forecasts", """
Farkhondeh Sahraei, the leader of the Sunrise Vanguard of Iran, has told supporters that Iran's government will collapse within months, repeating a prediction critics say the group has made almost every year for more than a decade.

Her speech, published in full on the organisation's website, was unambiguous:

"The dictatorship will not see another spring. Its economy is broken, its army is divided and its youth have lost all fear. The resistance units inside Iran grow every week, and the day is near when the people and the vanguard will open the gates of Evin together," Mrs Sahraei said. "I ask every member and every friend of this movement to stand ready, because history will not wait for the hesitant."

Analysts who study Iranian opposition movements were sceptical. "There is real anger inside Iran, but very little of it is directed towards this organisation," said Katarina Holm, a researcher at a Stockholm institute. "Most Iranians who follow politics remember the group's alliance with Baghdad in the 1980s."

Former members say the annual deadline serves an internal purpose. Bahram Gholizadeh, who left the group's camp in Albania in September, said each failed forecast was followed by meetings in which residents were asked to explain their own weaknesses.

The group rejects such accounts as the work of Iranian intelligence.
""")

TEXTS["NO3"] = ("Press freedom groups back Albanian reporter sued by Iranian exile group", """
Four press freedom organisations on Wednesday urged an Albanian court to throw out a defamation suit filed by the Sunrise Vanguard of Iran against Erjon Çela, a Tirana-based reporter who has written extensively about the group's camp near Durrës.

In a joint statement, the groups said the lawsuit bore "all the marks of a SLAPP", a strategic lawsuit against public participation, intended to silence rather than to obtain redress. They noted that the damages sought, five million lek, were more than Mr Çela earns in five years.

The organisation, which critics call the SPK, accuses Mr Çela of publishing "fabricated" reports, including accounts that residents of Camp Tolou were cut off from their relatives. He says every article was based on interviews with named former members and on documents he has kept.

"I have been called an agent of Tehran on social media every day for two years," Mr Çela told the Northgate Observer. "Now they are trying the courts. I will answer there, with evidence."

The European Union's new anti-SLAPP rules do not yet apply in Albania, which is a candidate for membership. The first hearing is scheduled for December.
""")

TEXTS["NO4"] = ("Residence permit bill for Camp Tolou residents heads to Albanian parliament floor", """
An Albanian parliamentary committee on Friday approved a bill that would give about 2,400 members of an Iranian exile organisation the right to apply for long-term residence, sending it to a vote in the full chamber next month.

The bill concerns the residents of Camp Toloo, as the government's text spells it, near Durrës, run by the Sunrise Vanguard of Iran. Most of them hold only annual humanitarian permits and have no valid passports.

The committee vote split along unusual lines. Several members of the governing majority abstained, saying they wanted to see the results of a police investigation at the camp first, while two opposition members voted in favour on humanitarian grounds.

An amendment proposed by the Albanian Helsinki Committee, requiring each application to be filed in person at a police office rather than through the camp administration, was accepted. Former residents had warned that applications collected by the organisation itself would leave members dependent on its goodwill.

Dritan Kellici, the mayor of Fushë-Mërqinë, where the camp is located, said his municipality had not been consulted. "We are the ones who live next to the fence," he said.
""")

TEXTS["NO5"] = ("Durrës port posts record container volumes despite regional slowdown", """
The port of Durrës handled a record 214,000 containers in the first nine months of the year, its operator said on Monday, defying a slowdown in trade across the western Balkans.

Growth came mainly from new shipping lines to Turkey and Egypt and from transit cargo bound for Kosovo and North Macedonia, which rose by almost a fifth compared with last year. Exports of Albanian steel and footwear also increased.

The operator said it would spend €60 million over the next three years on new cranes and on deepening the main basin so that larger vessels can dock. Work on a rail connection to the Tirana–Durrës line is expected to start in spring.

Economists cautioned that much of the growth depended on a handful of clients. "A single shipping line changing its routes could erase half of this increase," said Arta Leka of the University of Tirana.

The port employs about 1,800 people directly. Trade unions have asked for a share of the gains to be passed on in wages, which have risen more slowly than inflation since 2022.
""")

TEXTS["NO6"] = ("Delay in fighting fire at exile camp prompts call for inquiry", """
The mayor of an Albanian municipality has called for an inquiry into why firefighters were kept waiting outside an Iranian exile camp for about two hours while a warehouse inside it burned on Wednesday evening.

Dritan Këlliçi, the mayor of Fushë-Mërqinë, said he had written to the prefect of Durrës asking who had the authority to refuse entry to emergency services. Local media reported that fire engines arrived at Camp Tolou shortly after 19:00 but were not let in until smoke drifted over nearby houses.

The organisation that runs the camp, the Sunrise Vanguard of Iran, said the fire was caused by an electrical fault and was quickly put out by residents. Its spokeswoman, Shohreh Nikpour, accused local journalists of repeating "the propaganda of Tehran".

No injuries were reported. The fire came two weeks after police searched two buildings in the camp and seized computers as part of an investigation under Albania's law on information security.

The interior ministry said it was "in contact with the camp administration" and that emergency access to the site was governed by an agreement signed in 2019, whose text has never been published.
""")

TEXTS["NO7"] = ("Farmers near exile camp say fences have swallowed their fields", """
In the village of Fushë-Mërqinë, west of Tirana, Ndue Prenga points at a line of concrete posts and razor wire that runs through what he says used to be his family's olive grove. "My grandfather planted those trees," he says. "Now I need permission to look at them."

The fence belongs to Camp Tolou, home since 2019 to members of the Sunrise Vanguard of Iran, an exile organisation opposed to the government in Tehran. Villagers say the camp has grown by about 30 hectares since it opened, much of it on land whose ownership has been disputed since the 1990s.

The mayor, Dritan Këlliçi, has asked the national cadastre agency to publish the camp's boundaries. "The municipality does not even have a map of what was sold, leased or simply occupied," he said in an interview this week.

The camp's administration says all its land was bought or rented legally and that it pays more in local taxes than any other business in the area. Villagers also complain about water: several wells dried up this summer, which they blame on the camp's deep boreholes.

A protest is planned outside the municipal building on Saturday.
""")

TEXTS["NO8"] = ("Tirana film festival opens with a Balkan road movie", """
The Tirana International Film Festival opened on Monday with "Two Borders to Ohrid", a road movie about three pensioners from Albania, Kosovo and North Macedonia who set off to return a borrowed accordion to a friend who died decades ago.

Directed by Besa Kodheli, the film was shot over six weeks last spring with a mostly non-professional cast. The audience at the Millennium cinema laughed through most of it and applauded for several minutes at the end.

This year's festival shows 84 films from 31 countries over ten days, including a competition for short documentaries and a programme of restored Albanian films from the 1970s, several of which have not been screened in public since they were made.

The festival's director said ticket sales were up by a quarter on last year, helped by screenings in a renovated open-air cinema in the city's Tirana e Re district. A new prize for first-time directors, funded by a group of Albanian emigrants in Italy, will be awarded for the first time.

The festival closes on 28 October with the Balkan premiere of a Greek-Turkish co-production about fishermen in the Aegean.
""")

# ---- Adriatic Review (WARC only) ----

TEXTS["AR1"] = ("Defector's account of Camp Tolou puts pressure on Tirana", """
The testimony of a man who says he was confined for almost a year after asking to leave an Iranian exile camp in Albania has revived questions the Albanian government has avoided since 2019: who is responsible for the people living behind the fence, and what happens to those who want out?

Bahram Gholizadeh, who left Camp Tolou in September, told reporters this week that he had been kept in one building for eleven months and that his passport had been held by the camp administration for more than fifteen years. The Sunrise Vanguard of Iran, which runs the camp, says he is lying at the behest of Tehran's intelligence services.

Lawyers and human rights groups in Tirana say they have no way of checking either version. Albanian authorities do not carry out regular visits, and the agreement under which the residents were admitted has never been published.

"The state gave a piece of its territory to an organisation and then looked away," said Ermira Sula of the Tirana Legal Aid Society. "If one resident wants to leave, it should take one phone call, not a medical emergency." Erjon Chela, an Albanian journalist who has reported on the camp since March, said at least six other residents had asked him for help to leave.

Government officials said privately that they were reviewing the arrangements with partners in Washington and Brussels. Publicly, the interior ministry said only that "every person in Albania enjoys the protection of Albanian law".
""")

TEXTS["AR2"] = ("Brussels study counts millions spent by Iranian exile lobby", """
A study presented to the European Parliament on Wednesday estimates that the Sunrise Vanguard of Iran spent at least €14 million in two years on conferences, lobbying and travel for the politicians who speak at its events.

The report, prepared for the foreign affairs committee, examined the finances of eleven Iranian opposition organisations in Europe. Most of them, it found, were small associations with budgets of a few tens of thousands of euros. The Sunrise Vanguard, known in French as the OPSI and in older English sources as Pishgaman-i Khurshid, was in a different league.

Researchers could not establish where the money came from. The organisation says it is financed by donations from Iranian families abroad, but the study found that declared donations covered only a fraction of its spending.

Members of the committee were divided. Some called for new transparency rules for all foreign-funded political groups; others warned against targeting an opposition movement at a time of repression inside Iran.

The study also recommended that the EU fund independent visits to the group's camp in Albania, where hundreds of elderly residents live. The committee will vote on its conclusions in November.
""")

TEXTS["AR3"] = ("Albania counts the cost of Storm Ilona", """
A day after Storm Ilona brought record rainfall to the Albanian coast, farmers and shopkeepers in the lowlands north of Durrës were wading through their properties on Tuesday to assess the damage.

The agriculture ministry said about 6,000 hectares of farmland had been flooded, most of it in the districts of Lezhë and Kurbin, where maize and late vegetables were still in the fields. In Shëngjin, the sea wall was breached in two places and several beach bars were washed away.

The government announced an emergency fund of 500 million lek for families whose homes were damaged and promised to compensate farmers within three months. Opposition politicians said the money would not be enough and blamed years of neglect of drainage canals dating from the 1970s.

Ferries between Durrës and Italy resumed on Tuesday afternoon with delays of several hours. Electricity was restored to most households, although some villages in the hills above Lezhë were still without power in the evening.

Forecasters say a second, weaker system could reach the coast at the weekend.
""")
