"""Generate the presswatch demo corpus from the texts in _text_*.py.

Writes pages/<outlet>/<slug>.html, feeds/northgateobserver.xml,
warc_src/<outlet>/<slug>.html (the inputs of _build_warc.py) and gold.json.
Deterministic: run it twice, get the same bytes.  Everything is fiction.

    python _write_pages.py && python _build_warc.py
"""
from __future__ import annotations

import json
import sys
from datetime import datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _text_en import TEXTS as EN  # noqa: E402
from _text_fa import TEXTS as FA  # noqa: E402
from _text_sq import TEXTS as SQ  # noqa: E402

TEXTS = {**EN, **SQ, **FA}

# --------------------------------------------------------------------------
# Outlets: the boilerplate of each outlet is identical on every one of its pages.
# --------------------------------------------------------------------------
OUTLETS = {
    "harbourledger": dict(
        name="The Harbour Ledger", base="https://www.harbourledger.example", lang="en",
        url="/world/2026/10/{dd}/{slug}",
        tagline="Independent news from the Mediterranean and beyond",
        nav=["World", "Europe", "Business", "Climate", "Opinion", "Podcasts"],
        subscribe=("The Ledger Morning", "Sign up for The Ledger Morning, our free newsletter with the five stories you need before breakfast, every weekday at 6am."),
        footer="The Harbour Ledger is published by Harbour Ledger Media Ltd, Valletta. Registered press licence HL-2011-04. Contact the newsroom: tips@harbourledger.example",
        cookie="We use cookies to measure our audience and to remember your preferences. By continuing to read you accept our cookie policy.",
        by="By {author}"),
    "balkanwire": dict(
        name="Balkan Wire", base="https://balkanwire.example", lang="en",
        url="/news/{slug}-{num}",
        tagline="The regional news agency for South-East Europe",
        nav=["Albania", "Kosovo", "Serbia", "North Macedonia", "Montenegro", "Wire feed"],
        subscribe=("Get the wire", "Subscribers to Balkan Wire Pro receive every dispatch in real time, with photos and archive access. Ask for a two-week trial."),
        footer="Balkan Wire d.o.o. • All dispatches may be reproduced by subscribing media with attribution. Editorial office: Rruga e Kavajës, Tirana.",
        cookie="This site uses cookies for analytics. You can change your cookie settings at any time from the link in the footer.",
        by="{author}"),
    "vanguardwatch": dict(
        name="Vanguard Watch", base="https://www.vanguardwatch.example", lang="en",
        url="/2026/10/{dd}/{slug}/",
        tagline="Monitoring the Sahraei cult and helping families reach their loved ones",
        nav=["Home", "Weekly Digest", "Families", "Former members", "Documents", "فارسی", "Shqip"],
        subscribe=("Weekly Digest by email", "Subscribe to receive the Vanguard Watch Weekly Digest every Saturday. We never share your address."),
        footer="Vanguard Watch is run by volunteers and families of members of the SPK. Write to us: contact@vanguardwatch.example",
        cookie="This website stores cookies on your computer. These cookies are used to improve your browsing experience.",
        by="{author}"),
    "svinews": dict(
        name="SVI News", base="https://www.svinews.example", lang="en",
        url="/en/news/{slug}",
        tagline="Official news of the Sunrise Vanguard of Iran",
        nav=["Home", "Farkhondeh Sahraei", "Tolou", "Resistance units", "Statements", "Donate"],
        subscribe=("Join the movement", "Receive statements of the Sunrise Vanguard of Iran and news from Tolou by email. Freedom is within reach."),
        footer="Sunrise Vanguard of Iran – Foreign Affairs Committee. © 2026 SVI. All rights reserved. Reproduction permitted with citation of the source.",
        cookie="We use essential cookies only. Continuing means you accept them.",
        by="{author}"),
    "northgateobserver": dict(
        name="Northgate Observer", base="https://www.northgateobserver.example", lang="en",
        url="/{yyyy}/{mm}/{dd}/{slug}", feed_only=True),
    "adriaticreview": dict(
        name="Adriatic Review", base="https://www.adriaticreview.example", lang="en",
        url="/politics/{slug}",
        tagline="Analysis and reporting from both shores of the Adriatic",
        nav=["Politics", "Economy", "Society", "Environment", "Long reads", "About"],
        subscribe=("Support independent reporting", "The Adriatic Review is free to read. Become a member from €4 a month and help us keep it that way."),
        footer="Adriatic Review is a project of the Adriatic Press Foundation, Trieste. Editor: Petra Halloran. Privacy • Terms • Contact",
        cookie="Cookies help us deliver our services. By using our services you agree to our use of cookies.",
        by="By {author}"),
    "gazetaliqeni": dict(
        name="Gazeta Liqeni", base="https://gazetaliqeni.example", lang="sq",
        url="/aktualitet/{slug}",
        tagline="Lajme, opinione dhe investigime nga Shqipëria",
        nav=["Kryefaqja", "Aktualitet", "Politikë", "Ekonomi", "Sport", "Kulturë", "Opinion"],
        subscribe=("Abonohu", "Merr çdo mëngjes në email lajmet kryesore të ditës nga redaksia e Gazeta Liqeni. Abonimi është falas."),
        footer="Gazeta Liqeni sh.p.k. – Të gjitha të drejtat të rezervuara. Ndalohet riprodhimi pa lejen e redaksisë. Kontakt: redaksia@gazetaliqeni.example",
        cookie="Kjo faqe përdor cookies për të përmirësuar përvojën tuaj. Duke vazhduar lundrimin, pranoni përdorimin e tyre.",
        by="Nga {author}"),
    "kronikabregut": dict(
        name="Kronika e Bregut", base="https://www.kronikabregut.example", lang="sq",
        url="/lajme/2026/10/{slug}.html",
        tagline="Portali i lajmeve nga bregdeti",
        nav=["Lajme", "Durrës", "Lezhë", "Vlorë", "Bota", "Sport", "Showbiz"],
        subscribe=("Na ndiqni", "Pëlqeni faqen tonë dhe abonohuni në buletinin javor të Kronika e Bregut për të mos humbur asnjë lajm."),
        footer="© 2026 Kronika e Bregut. Portal informativ online. Për reklama: marketing@kronikabregut.example",
        cookie="Ne përdorim cookies. Duke klikuar Pranoj, jepni pëlqimin tuaj.",
        by="{author}"),
    "oradurresit": dict(
        name="Ora e Durrësit", base="https://oradurresit.example", lang="sq",
        url="/{slug}/",
        tagline="Gazeta e qytetit që nga viti 1997",
        nav=["Qyteti", "Bashkia", "Porti", "Kronikë", "Sport", "Moti"],
        subscribe=("Buletini i qytetit", "Regjistrohuni për të marrë çdo të premte buletinin me lajmet më të rëndësishme të Durrësit dhe rrethinave."),
        footer="Ora e Durrësit – Rruga Tregtare, Durrës. Drejtore: Blerina Hoxha. Të gjitha të drejtat të rezervuara.",
        cookie="Faqja jonë përdor cookies për statistika. Mund t'i çaktivizoni nga cilësimet e shfletuesit.",
        by="{author}"),
    "zerilumit": dict(
        name="Zëri i Lumit", base="https://zerilumit.example", lang="sq",
        url="/lajme/{slug}",
        tagline="Zëri i lirë i krahinës",
        nav=["Lajme", "Rajoni", "Politikë", "Ekonomi", "Jetë", "Kontakt"],
        subscribe=("Mos humbisni asnjë lajm", "Shkarkoni aplikacionin tonë ose abonohuni me email për njoftimet e fundit nga Zëri i Lumit."),
        footer="Zëri i Lumit © 2026. Portal i regjistruar në Autoritetin e Mediave Audiovizive. Redaksia nuk mban përgjegjësi për komentet e lexuesve.",
        cookie="Përdorim cookies për funksionimin e faqes dhe për reklama.",
        by="{author}"),
    "rozaneh": dict(
        name="روزنه", base="https://www.rozaneh.example", lang="fa",
        url="/fa/news/{num}",
        tagline="پایگاه خبری روزنه؛ صدای خانواده‌ها",
        nav=["صفحه اصلی", "خبر", "گفت‌وگو", "خانواده‌ها", "جداشدگان", "English"],
        subscribe=("عضویت در خبرنامه", "برای دریافت خبرنامه هفتگی روزنه نشانی ایمیل خود را وارد کنید. ما نشانی شما را در اختیار کسی قرار نمی‌دهیم."),
        footer="کلیه حقوق این سایت متعلق به پایگاه خبری روزنه است. نقل مطالب با ذکر منبع آزاد است.",
        cookie="این وب‌سایت برای بهبود تجربه شما از کوکی استفاده می‌کند. با ادامه مرور، استفاده از کوکی‌ها را می‌پذیرید.",
        by="نویسنده: {author}"),
    "ayenehsharq": dict(
        name="آینه شرق", base="https://ayenehsharq.example", lang="fa",
        url="/news/{num}/{slug}",
        tagline="روزنامه آنلاین آینه شرق",
        nav=["سیاسی", "اقتصادی", "اجتماعی", "بین‌الملل", "ورزشی", "عکس"],
        subscribe=("آینه شرق در تلگرام", "برای دریافت فوری خبرها به کانال تلگرام و خبرنامه روزانه آینه شرق بپیوندید."),
        footer="آینه شرق – همه حقوق محفوظ است. استفاده از مطالب فقط با ذکر نام و نشانی آینه شرق مجاز است.",
        cookie="ما از کوکی برای تحلیل بازدید استفاده می‌کنیم.",
        by="{author}"),
    "polnews": dict(
        name="پل نیوز", base="https://www.polnews.example", lang="fa",
        url="/article/{num}",
        tagline="پل نیوز؛ خبر، تحلیل، ترجمه",
        nav=["خانه", "ایران", "جهان", "ترجمه", "ورزش", "درباره ما"],
        subscribe=("خبرنامه پل نیوز", "هر صبح گزیده خبرها و تحلیل‌های پل نیوز را در صندوق ایمیل خود دریافت کنید."),
        footer="پل نیوز – رسانه مستقل فارسی‌زبان. تماس با ما: info@polnews.example",
        cookie="پل نیوز از کوکی استفاده می‌کند. برای اطلاعات بیشتر سیاست حریم خصوصی را ببینید.",
        by="{author}"),
    "mehrnameh": dict(
        name="مهرنامه", base="https://www.mehrnameh.example", lang="fa",
        url="/news/{num}",
        tagline="مهرنامه؛ گزارش و گفت‌وگو",
        nav=["صفحه نخست", "سیاست", "جامعه", "اقتصاد", "فرهنگ", "آرشیو"],
        subscribe=("مشترک شوید", "با اشتراک خبرنامه مهرنامه، گزارش‌های ویژه هفته را زودتر از دیگران بخوانید."),
        footer="تمامی حقوق مادی و معنوی این پایگاه متعلق به مهرنامه است.",
        cookie="این سایت از کوکی‌ها برای آمار بازدید استفاده می‌کند.",
        by="{author}"),
}

# --------------------------------------------------------------------------
# Articles.  ingest: html (pages/), feed (feeds/), warc (warc_src/ -> warc/)
# kind: original | duplicate (of=) | translation (of=) | syndicated (of=: a
# partner's copy that declares the origin as its canonical page and is
# captured at its own URL) ; partial quotes are declared in LINKS below.
# --------------------------------------------------------------------------
A = []


def art(id, outlet, slug, published, author, story, ingest="html", kind="original",
        of=None, num=None, debris=None, text=None):
    A.append(dict(id=id, outlet=outlet, slug=slug, published=published, author=author,
                  story=story, ingest=ingest, kind=kind, of=of, num=num, debris=debris,
                  text=text or id))


# W40
art("HL1", "harbourledger", "albanian-police-search-iranian-exile-camp-near-durres", "2026-10-01T15:40:00+00:00", "Clare Whitford", "camp-search")
art("BW1", "balkanwire", "albanian-police-search-iranian-exile-camp-near-durres", "2026-10-01T20:55:00+00:00", "Clare Whitford / The Harbour Ledger", "camp-search",
    kind="duplicate", of="HL1", num=40117,
    debris=dict(glue="Camp_Tolou_SPK_police_search_Durres_2026", photo="Photo: Police vehicles at the main gate of Camp Tolou, 1 October 2026 (Balkan Wire)"))
art("AR0", "adriaticreview", "partner-harbour-ledger-police-search-camp-near-durres", "2026-10-01T15:40:00+00:00", "Clare Whitford", "camp-search",
    ingest="warc", kind="syndicated", of="HL1")
art("ZL1", "zerilumit", "policia-hyn-ne-kampin-tolu-sekuestrohen-kompjutere", "2026-10-01T18:30:00+00:00", "Gentian Hasa", "camp-search", ingest="warc")
art("AS3", "ayenehsharq", "albanian-police-search-tolou-camp", "2026-10-02T06:30:00+00:00", "سارا امینی", "camp-search", num=73310)
art("VW1", "vanguardwatch", "camp-tolou-search-questions-nobody-in-tirana-wants-to-answer", "2026-10-03T10:00:00+00:00", "Nasrin Farahani", "camp-search")
# W41
art("GL1", "gazetaliqeni", "kryetari-kellici-kampi-i-spk-se-ka-zene-tokat-e-fermereve", "2026-10-05T17:00:00+00:00", "Ilda Shkurti", "land-dispute")
art("KB1", "kronikabregut", "kryetari-kellici-kampi-ka-zene-tokat", "2026-10-05T20:10:00+00:00", "Ilda Shkurti / Gazeta Liqeni", "land-dispute",
    kind="duplicate", of="GL1",
    debris=dict(glue="Kellici_kampi_Tolu_Pishtaret_e_Diellit_toka_2026", photo="Foto: Gardhi i kampit Tolu në Fushë-Mërqinë (arkiv)"))
art("NO5", "northgateobserver", "durres-port-record-container-volumes", "2026-10-05T12:00:00+00:00", "Owen Prys", "economy-durres-port", ingest="feed")
art("HL2", "harbourledger", "former-member-says-he-was-held-for-months-inside-camp-tolou", "2026-10-07T11:15:00+00:00", "Tomás Reyne", "defector")
art("GL2", "gazetaliqeni", "ish-anetari-me-mbajten-me-muaj-te-mbyllur-ne-kampin-tolu", "2026-10-08T09:30:00+00:00", "Arta Mema", "defector", kind="translation", of="HL2")
art("RZ2", "rozaneh", "interview-bahram-gholizadeh", "2026-10-08T13:00:00+00:00", "نگار صالحی", "defector", num=48207)
art("NO7", "northgateobserver", "farmers-near-exile-camp-say-fences-swallowed-fields", "2026-10-08T07:45:00+00:00", "Dana Okafor", "land-dispute", ingest="feed")
art("AR1", "adriaticreview", "defectors-account-of-camp-tolou-puts-pressure-on-tirana", "2026-10-09T14:00:00+00:00", "Petra Halloran", "defector", ingest="warc")
art("OD3", "oradurresit", "familjet-iraniane-para-portes-se-kampit-tolu", "2026-10-09T19:40:00+00:00", "Blerina Hoxha", "families-at-gate")
art("RZ1", "rozaneh", "families-outside-tolou-camp", "2026-10-10T08:00:00+00:00", "نگار صالحی", "families-at-gate", num=48231)
art("AS1", "ayenehsharq", "families-outside-tolou-camp", "2026-10-10T14:20:00+00:00", "نگار صالحی / روزنه", "families-at-gate", kind="duplicate", of="RZ1", num=73502)
art("OD2", "oradurresit", "banoret-e-fushe-merqines-protestojne-para-bashkise", "2026-10-10T16:00:00+00:00", "Blerina Hoxha", "land-dispute")
art("SV1", "svinews", "thousands-rally-in-paris-at-sunrise-convention", "2026-10-10T20:00:00+00:00", "SVI Press Office", "paris-convention")
art("MN1", "mehrnameh", "sunrise-pioneers-paris-convention", "2026-10-11T08:00:00+00:00", "امید رستمی", "paris-convention", ingest="warc", num=90412)
art("VW2", "vanguardwatch", "families-wait-outside-camp-tolou", "2026-10-11T10:00:00+00:00", "Vanguard Watch (translated from Rozaneh)", "families-at-gate", kind="translation", of="RZ1")
art("KB2", "kronikabregut", "mitingu-i-pishtareve-te-diellit-ne-paris", "2026-10-11T11:30:00+00:00", "Klevis Gjoni", "paris-convention")
art("NO1", "northgateobserver", "paris-rally-draws-former-western-officials", "2026-10-11T13:00:00+00:00", "Dana Okafor", "paris-convention", ingest="feed")
# W42
art("PN2", "polnews", "families-right-to-visit-tolou", "2026-10-12T09:00:00+00:00", "مهسا رحیمی", "families-at-gate", num=15520)
art("SV3", "svinews", "svi-files-defamation-suit-against-albanian-journalist", "2026-10-13T12:30:00+00:00", "SVI Press Office", "journalist-lawsuit")
art("GL3", "gazetaliqeni", "organizata-iraniane-spk-padit-gazetarin-erjon-cela", "2026-10-13T16:00:00+00:00", "Ilda Shkurti", "journalist-lawsuit")
art("ZL2", "zerilumit", "spk-padit-gazetarin-erjon-cela", "2026-10-13T20:20:00+00:00", "Gazeta Liqeni", "journalist-lawsuit", ingest="warc", kind="duplicate", of="GL3")
art("HL3", "harbourledger", "eu-lawmakers-question-who-funds-iranian-exile-groups", "2026-10-14T16:20:00+00:00", "Clare Whitford", "eu-funding-hearing")
art("NO3", "northgateobserver", "press-freedom-groups-back-albanian-reporter", "2026-10-14T18:10:00+00:00", "Owen Prys", "journalist-lawsuit", ingest="feed")
art("OD1", "oradurresit", "zjarr-ne-nje-magazine-te-kampit-tolu", "2026-10-15T09:10:00+00:00", "Blerina Hoxha", "camp-fire")
art("AR2", "adriaticreview", "brussels-study-counts-millions-spent-by-iranian-exile-lobby", "2026-10-15T09:30:00+00:00", "Petra Halloran", "eu-funding-hearing", ingest="warc")
art("PN1", "polnews", "eu-lawmakers-funding-iranian-exile-groups-translation", "2026-10-15T11:00:00+00:00", "کامران شریفی", "eu-funding-hearing", kind="translation", of="HL3", num=15544)
art("NO6", "northgateobserver", "delay-fighting-fire-exile-camp-inquiry", "2026-10-15T17:30:00+00:00", "Owen Prys", "camp-fire", ingest="feed")
art("BW2", "balkanwire", "fire-at-camp-tolou-warehouse-firefighters-waited-two-hours", "2026-10-15T18:45:00+00:00", "Balkan Wire desk", "camp-fire", kind="translation", of="OD1", num=40388)
art("MN3", "mehrnameh", "fire-at-tolou-camp-warehouse", "2026-10-16T07:00:00+00:00", "امید رستمی", "camp-fire", ingest="warc", num=90467)
art("VW3", "vanguardwatch", "vanguard-watch-weekly-digest-october-17-2026", "2026-10-17T09:00:00+00:00", "Vanguard Watch", "vw-digest-w42", kind="digest")
art("GL4", "gazetaliqeni", "kf-bregu-fiton-derbin-e-bregdetit", "2026-10-18T21:30:00+00:00", "Sokol Bega", "sport-kf-bregu")
art("AS2", "ayenehsharq", "inflation-reaches-41-percent", "2026-10-18T08:00:00+00:00", "بهزاد کیانی", "economy-iran-inflation", num=73921)
# W43
art("HL4", "harbourledger", "storm-ilona-floods-coastal-towns-adriatic-ferries-cancelled", "2026-10-19T19:30:00+00:00", "Maeve Lindqvist", "storm-ilona")
art("ZL3", "zerilumit", "stuhia-ilona-permbyt-bregdetin", "2026-10-19T21:00:00+00:00", "Gentian Hasa", "storm-ilona", ingest="warc")
art("NO8", "northgateobserver", "tirana-film-festival-opens-with-balkan-road-movie", "2026-10-19T22:00:00+00:00", "Dana Okafor", "culture-tirana-film-festival", ingest="feed")
art("SV2", "svinews", "farkhondeh-sahraei-dictatorship-will-not-see-another-spring", "2026-10-20T21:00:00+00:00", "SVI Press Office", "leader-speech")
art("AR3", "adriaticreview", "albania-counts-the-cost-of-storm-ilona", "2026-10-20T18:00:00+00:00", "Luka Bertoša", "storm-ilona", ingest="warc")
art("NO2", "northgateobserver", "exile-leader-predicts-regimes-fall-before-spring", "2026-10-21T10:20:00+00:00", "Dana Okafor", "leader-speech", ingest="feed")
art("RZ3", "rozaneh", "sahraei-promises-fall-before-spring-again", "2026-10-21T12:00:00+00:00", "نگار صالحی", "leader-speech", num=48290)
art("BW3", "balkanwire", "albanian-lawmakers-split-over-residence-permits-for-camp-residents", "2026-10-22T15:00:00+00:00", "Jeta Rexha", "residence-permits", num=40521)
art("KB3", "kronikabregut", "lejet-e-qendrimit-per-banoret-e-kampit-tolu", "2026-10-22T18:00:00+00:00", "Klevis Gjoni", "residence-permits")
art("NO4", "northgateobserver", "residence-permit-bill-camp-tolou-heads-to-parliament", "2026-10-23T16:40:00+00:00", "Owen Prys", "residence-permits", ingest="feed")
art("MN2", "mehrnameh", "residence-bill-tolou-residents", "2026-10-23T19:00:00+00:00", "امید رستمی", "residence-permits", ingest="warc", num=90533)
art("VW4", "vanguardwatch", "sahraei-promises-victory-before-spring-again", "2026-10-24T08:30:00+00:00", "Nasrin Farahani", "leader-speech")
art("PN3", "polnews", "tabriz-wrestling-league-champions", "2026-10-25T08:00:00+00:00", "علی مرادی", "sport-wrestling-tabriz", num=15612)

# feed items that carry only a one-sentence description ("fetch later")
FEED_STUBS = [
    ("northgateobserver", "calmer-seas-forecast-after-storm-ilona", "2026-10-23T07:00:00+00:00", "Dana Okafor",
     "Calmer seas forecast for the weekend after Storm Ilona",
     "Forecasters expect winds along the Albanian coast to drop below 30 km/h by Saturday, allowing ferry timetables to return to normal."),
    ("northgateobserver", "eu-committee-sets-november-vote-exile-group-funding", "2026-10-24T09:00:00+00:00", "Owen Prys",
     "EU committee sets November vote on exile-group funding rules",
     "The European Parliament's foreign affairs committee will vote on 12 November on transparency rules for foreign-funded political groups."),
    ("northgateobserver", "former-camp-tolou-residents-form-association", "2026-10-25T12:00:00+00:00", "Dana Okafor",
     "Former residents of Camp Tolou form an association in Tirana",
     "Eleven people who have left the camp near Durrës registered an association to help others who want to leave."),
]

STORIES = {
    "camp-search": "Albanian police search Camp Tolou and seize computers (1 October)",
    "land-dispute": "Fushë-Mërqinë mayor and farmers accuse the camp of taking land and water",
    "defector": "Former member Bahram Gholizadeh describes eleven months of confinement",
    "families-at-gate": "Iranian families wait at the gate of Camp Tolou",
    "paris-convention": "Sunrise Convention of the SVI near Paris (10 October)",
    "journalist-lawsuit": "The organisation sues Albanian journalist Erjon Çela",
    "eu-funding-hearing": "European Parliament hearing on the funding of Iranian exile groups",
    "camp-fire": "Fire in a Camp Tolou warehouse; firefighters kept at the gate",
    "leader-speech": "Farkhondeh Sahraei predicts the regime's fall 'before spring'",
    "residence-permits": "Albanian bill on residence permits for camp residents",
    "vw-digest-w42": "Vanguard Watch Weekly Digest, 17 October 2026 (compilation page)",
    "storm-ilona": "Storm Ilona on the Adriatic coast (noise)",
    "economy-durres-port": "Durrës port container record (noise)",
    "economy-iran-inflation": "Iranian inflation reaches 41% (noise)",
    "sport-kf-bregu": "KF Bregu wins the coastal derby (noise)",
    "sport-wrestling-tabriz": "Tabriz club wins the wrestling league (noise; its name collides with a Persian alias)",
    "culture-tirana-film-festival": "Tirana film festival opens (noise)",
}

# partial quotes: (origin, copy) -- the copy quotes 60-150 words of the origin verbatim
PARTIALS = [("HL1", "VW1"), ("GL1", "OD2"), ("RZ1", "PN2"), ("SV2", "NO2")]
# the digest page contains these articles whole (recorded as partial: they are part of a larger page)
DIGEST_PARTS = ["BW2", "HL3", "SV3", "AR1", "HL2", "GL2"]

BY_ID = {a["id"]: a for a in A}

MONTHS = {"en": "October", "sq": "tetor", "fa": "اکتبر"}


def url_of(a):
    o = OUTLETS[a["outlet"]]
    d = datetime.fromisoformat(a["published"])
    path = o["url"].format(slug=a["slug"], num=a["num"], dd=f"{d.day:02d}", mm=f"{d.month:02d}", yyyy=d.year)
    return o["base"] + path


def lang_of(a):
    return OUTLETS[a["outlet"]]["lang"]


def paras(text_id):
    title, body = TEXTS[text_id]
    return title, [p.strip() for p in body.strip().split("\n\n") if p.strip()]


def human_date(iso, lang):
    d = datetime.fromisoformat(iso)
    if lang == "en":
        return f"{d.day} {MONTHS['en']} {d.year}, {d:%H:%M} UTC"
    if lang == "sq":
        return f"{d.day} {MONTHS['sq']} {d.year}, ora {d:%H:%M}"
    digits = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    return f"{d.day} {MONTHS['fa']} {d.year} – {d:%H:%M}".translate(digits)


def p(text):
    return f"<p>{escape(text, quote=False)}</p>"


def link_p(label, url, show_url=True):
    shown = escape(url) if show_url else escape(label)
    if show_url:
        return f'<p>{escape(label)} <a href="{escape(url)}">{shown}</a></p>'
    return f'<p><a href="{escape(url)}">{shown}</a></p>'


def body_html(a):
    """The <p>s inside <article>, after the <h1>."""
    kind = a["kind"]
    lang = lang_of(a)
    out = []
    if kind == "digest":
        return digest_html(a)
    src = BY_ID[a["of"]] if a["of"] else None
    if kind in ("duplicate", "syndicated"):
        title, ps = paras(src["text"])
    else:
        title, ps = paras(a["text"])
    ps = list(ps)
    if a["debris"]:
        ps[0] = a["debris"]["glue"] + ps[0]
        out.append(p(a["debris"]["photo"]))
    out += [p(x) for x in ps]
    if kind == "syndicated":
        out.append(p(f"This article is published under our content partnership with {OUTLETS[src['outlet']]['name']}."))
    if kind == "duplicate":
        label = {"en": "Link to the source:", "sq": "Burimi:",
                 "fa": f"منبع: این گزارش نخستین بار در {OUTLETS[src['outlet']]['name']} منتشر شده است و بدون تغییر بازنشر می‌شود –"}[lang]
        out.append(link_p(label, url_of(src)))
    elif kind == "translation":
        srcname = OUTLETS[src["outlet"]]["name"]
        if lang == "sq":
            out.append(p(f"Përktheu: {a['author']}"))
            out.append(link_p(f"Burimi: {srcname} –", url_of(src)))
        elif lang == "fa":
            out.append(p(f"ترجمه: کامران شریفی – این مطلب ترجمه‌ای است از گزارش {srcname}."))
            out.append(link_p(f"منبع: متن اصلی این گزارش به زبان انگلیسی در {srcname} منتشر شده است –", url_of(src)))
        elif src and lang_of(src) == "sq":
            out.append(p(f"Translated from Albanian by the Balkan Wire desk. The original report was published by {srcname}."))
            out.append(link_p("Link to the source:", url_of(src)))
        else:
            out.append(p(f"Translated from Persian by Vanguard Watch. The original report was published by {srcname}."))
            out.append(link_p("Link to the source:", url_of(src)))
    if a["debris"]:
        out.append(p({"en": "Share this:", "sq": "Shpërndaje:", "fa": "اشتراک‌گذاری:"}[lang] + " Facebook Twitter WhatsApp Email"))
    return "\n".join(out)


DIGEST_BULLETS = [
    "++ Rozaneh reported on the families who waited six hours at the gate of Camp Tolou on Friday 9 October. Soheila Karami, 71, came from Shiraz for the fourth time to ask to see her son Kaveh, and a letter addressed to Farkhondeh Sahraei was handed back unopened. Ayeneh Sharq republished the report in full, and Pol News asked lawyers what Albanian law says about the right of families to visit.",
    "++ Rozaneh also carried a long interview with Bahram Gholizadeh (Bahram Qolizadeh in some transliterations), the former member who spent eleven months in one building after asking to leave. He describes the meetings of self-criticism that followed each of the leader's failed predictions, and his first phone call in twenty years with his mother in Isfahan.",
    "++ Pol News translated into Persian the Harbour Ledger report on the European Parliament hearing, including the €14 million that Pishgaman-e Khorshid spent in two years on conferences and paid speakers.",
    "In English:",
    "++ The Harbour Ledger reported from Brussels, where the Danish MEP Hanne Vestergaard asked the question every journalist should ask: where does the money come from? The SPK's man in Brussels blamed the regime's talking points. We republish the article below.",
    "++ Ora e Durrësit revealed that firefighters were kept outside Camp Tolou for two hours while a warehouse burned. Balkan Wire translated the report into English; it is republished below. The mayor of Fushë-Mërqinë, Dritan Këlliçi, has asked the prefect for an explanation.",
    "++ Gazeta Liqeni reported that the SPK-ja has taken the journalist Erjon Çela to court, asking five million lek for nine articles. The cult's own website calls his reporting fabricated. Press freedom groups called the case a SLAPP.",
    "++ The SVI's own website published the text of its lawsuit against Erjon Cela. We republish it below so that readers can judge for themselves what the organisation calls fabricated. We also republish the Adriatic Review's analysis of what the Gholizadeh case means for the Albanian government.",
    "++ The cult's website described its Paris convention as a gathering of 40,000. Reporters in the hall counted fewer than half of that, and outside former members held up photographs of relatives still in Albania.",
    "++ For our Albanian readers, we republish the Harbour Ledger article about Bahram Gholizadeh together with the Albanian translation published by Gazeta Liqeni.",
]


def digest_html(a):
    out = []
    out.append(p("Vanguard_Watch_Weekly_Digest_SPK_Sahraei_cult_Camp_Tolou"
                 "Vanguard Watch, October 17 2026:… A week in which the Camp Tolou story travelled from the village gate to the European Parliament, and in which the Sahraei cult answered every question with a lawsuit or an accusation of espionage."))
    out.append(p("Photo: Families waiting at the gate of Camp Tolou, 9 October 2026"))
    out += [p(b) for b in DIGEST_BULLETS]

    def whole(aid, teaser_label, link_label, glue=None):
        x = BY_ID[aid]
        t, ps = paras(x["text"])
        src = OUTLETS[x["outlet"]]["name"]
        d = datetime.fromisoformat(x["published"])
        res = []
        if teaser_label:
            res.append(p(teaser_label))
            res.append(p(t))
            res.append(p(f"{src}, {MONTHS['en']} {d.day:02d} {d.year}:… {ps[0][:160]}"))
        res.append(f"<h2>{escape((glue or '') + t)}</h2>")
        res += [p(q) for q in ps]
        res.append(link_p(link_label, url_of(x), show_url=True))
        return res

    out += whole("BW2", "Also read:", "Link to the source", glue="Camp_Tolou_fire_warehouse_SPK_2026")
    out += whole("HL3", "Also read:", "Link to the source")
    out += whole("SV3", "Also read:", "Link to the source")
    out += whole("AR1", "Also read:", "Link to the source")
    out += whole("HL2", "Also read:", "Link to the source")
    out += whole("GL2", None, "Burimi")
    out.append(p("Share this: Facebook Twitter Telegram Email"))
    return "\n".join(out)


def page_html(a, modified=None, text_id=None):
    o = OUTLETS[a["outlet"]]
    lang = o["lang"]
    url = url_of(a)
    if a["kind"] == "digest":
        title = "Vanguard Watch Weekly Digest – October 17, 2026"
        body = digest_html(a)
    else:
        tid = text_id or (BY_ID[a["of"]]["text"] if a["kind"] in ("duplicate", "syndicated") else a["text"])
        title = TEXTS[tid][0]
        if text_id:
            b = dict(a, text=text_id)
            body = body_html(b)
        else:
            body = body_html(a)
    if a["kind"] == "syndicated":
        url = url_of(BY_ID[a["of"]])  # the page names its origin as canonical
    dir_attr = ' dir="rtl"' if lang == "fa" else ""
    nav = "\n".join(f'      <li><a href="{o["base"]}/{i}/">{escape(n)}</a></li>' for i, n in enumerate(o["nav"]))
    mod = f'\n<meta property="article:modified_time" content="{modified}">' if modified else ""
    author_line = o["by"].format(author=a["author"])
    return f"""<!DOCTYPE html>
<html lang="{lang}"{dir_attr}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} | {escape(o["name"])}</title>
<link rel="canonical" href="{url}">
<meta name="author" content="{escape(a["author"])}">
<meta property="og:type" content="article">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="{escape(o["name"])}">
<meta property="og:title" content="{escape(title)}">
<meta property="og:locale" content="{ {"en": "en_GB", "sq": "sq_AL", "fa": "fa_IR"}[lang] }">
<meta property="article:published_time" content="{a["published"]}">{mod}
<link rel="stylesheet" href="{o["base"]}/static/site.css">
</head>
<body class="site-{a["outlet"]}">
<div id="cookie-notice" class="cookie-banner">
  <p>{escape(o["cookie"])}</p>
  <button type="button">OK</button>
</div>
<header class="site-header">
  <a class="logo" href="{o["base"]}/">{escape(o["name"])}</a>
  <p class="tagline">{escape(o["tagline"])}</p>
  <nav class="main-nav">
    <ul>
{nav}
    </ul>
  </nav>
</header>
<main>
<article class="post">
<h1>{escape(title)}</h1>
<div class="byline"><span class="author">{escape(author_line)}</span> · <time datetime="{a["published"]}">{human_date(a["published"], lang)}</time></div>
{body}
</article>
<aside class="newsletter">
  <h2>{escape(o["subscribe"][0])}</h2>
  <p>{escape(o["subscribe"][1])}</p>
  <form action="{o["base"]}/subscribe" method="post"><input type="email" name="email"><button type="submit">OK</button></form>
</aside>
</main>
<footer class="site-footer">
  <p>{escape(o["footer"])}</p>
  <p>© 2026 {escape(o["name"])}</p>
</footer>
</body>
</html>
"""


def feed_xml(outlet, items, teasers):
    o = OUTLETS[outlet]
    rows = []
    entries = []
    for a in items:
        title, ps = paras(a["text"])
        html_body = "".join(f"<p>{escape(x, quote=False)}</p>" for x in ps)
        entries.append((a["published"], f"""    <item>
      <title>{escape(title)}</title>
      <link>{url_of(a)}</link>
      <guid isPermaLink="true">{url_of(a)}</guid>
      <pubDate>{format_datetime(datetime.fromisoformat(a["published"]))}</pubDate>
      <dc:creator>{escape(a["author"])}</dc:creator>
      <description>{escape(ps[0])}</description>
      <content:encoded><![CDATA[{html_body}]]></content:encoded>
    </item>"""))
    for (_, slug, pub, author, title, desc) in teasers:
        d = datetime.fromisoformat(pub)
        u = o["base"] + o["url"].format(slug=slug, dd=f"{d.day:02d}", mm=f"{d.month:02d}", yyyy=d.year, num=None)
        entries.append((pub, f"""    <item>
      <title>{escape(title)}</title>
      <link>{u}</link>
      <guid isPermaLink="true">{u}</guid>
      <pubDate>{format_datetime(d)}</pubDate>
      <dc:creator>{escape(author)}</dc:creator>
      <description>{escape(desc)}</description>
    </item>"""))
    entries.sort(key=lambda e: e[0], reverse=True)
    rows = "\n".join(e[1] for e in entries)
    last = format_datetime(datetime.fromisoformat(entries[0][0]))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{escape(o["name"])}</title>
    <link>{o["base"]}/</link>
    <atom:link href="{o["base"]}/feed.xml" rel="self" type="application/rss+xml"/>
    <description>News and analysis on the Balkans, migration and the politics of exile.</description>
    <language>en</language>
    <lastBuildDate>{last}</lastBuildDate>
{rows}
  </channel>
</rss>
"""


def main():
    # clean generated dirs of stale files we own
    for sub in ("pages", "warc_src", "feeds"):
        d = HERE / sub
        if d.exists():
            for f in sorted(d.rglob("*"), reverse=True):
                if f.is_file() and f.suffix in (".html", ".xml"):
                    f.unlink()
                elif f.is_dir() and not any(f.iterdir()):
                    f.rmdir()
    captured_at = {}  # WARC pages whose capture URL is not the canonical one they declare
    for a in A:
        if a["ingest"] == "feed":
            continue
        root = "pages" if a["ingest"] == "html" else "warc_src"
        path = HERE / root / a["outlet"] / f"{a['slug']}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_html(a), encoding="utf-8")
        if a["kind"] == "syndicated":
            captured_at[path.relative_to(HERE / "warc_src").as_posix()] = url_of(a)
    (HERE / "warc_src" / "captured-at.json").write_text(json.dumps(captured_at, indent=1) + "\n", encoding="utf-8")
    # the corrected version of HL3, re-crawled into the WARC
    hl3 = BY_ID["HL3"]
    path = HERE / "warc_src" / hl3["outlet"] / f"{hl3['slug']}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page_html(hl3, modified="2026-10-16T10:05:00+00:00", text_id="HL3c"), encoding="utf-8")

    feed_items = [a for a in A if a["ingest"] == "feed"]
    (HERE / "feeds").mkdir(exist_ok=True)
    (HERE / "feeds" / "northgateobserver.xml").write_text(
        feed_xml("northgateobserver", feed_items, FEED_STUBS), encoding="utf-8")

    links = []
    for a in A:
        if a["kind"] in ("duplicate", "translation", "syndicated"):
            kind = "duplicate" if a["kind"] == "syndicated" else a["kind"]
            links.append(dict(kind=kind, origin=url_of(BY_ID[a["of"]]), copy=url_of(a)))
    for o_id, c_id in PARTIALS:
        links.append(dict(kind="partial", origin=url_of(BY_ID[o_id]), copy=url_of(BY_ID[c_id])))
    for o_id in DIGEST_PARTS:
        links.append(dict(kind="partial", origin=url_of(BY_ID[o_id]), copy=url_of(BY_ID["VW3"])))
    gold = {
        "articles": [dict(url=url_of(a), outlet=OUTLETS[a["outlet"]]["name"], language=lang_of(a),
                          story=a["story"], published=a["published"], ingest=a["ingest"],
                          file=(f"pages/{a['outlet']}/{a['slug']}.html" if a["ingest"] == "html" else
                                "feeds/northgateobserver.xml" if a["ingest"] == "feed" else
                                "warc/presswatch-sample.warc.gz"))
                     for a in sorted(A, key=lambda a: (a["published"], a["id"]))],
        "links": links,
        "stories": STORIES,
        "versions": [dict(url=url_of(hl3), ingest="warc", published=hl3["published"],
                          modified="2026-10-16T10:05:00+00:00",
                          change="'at least 38 former Western officials' became 'at least 29'; a Correction: paragraph was added")],
        "feed_teasers": [o_base for o_base in (OUTLETS["northgateobserver"]["base"] + OUTLETS["northgateobserver"]["url"].format(
            slug=s[1], dd=s[2][8:10], mm=s[2][5:7], yyyy=s[2][:4], num=None) for s in FEED_STUBS)],
    }
    (HERE / "gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(A)} articles written")


if __name__ == "__main__":
    main()
