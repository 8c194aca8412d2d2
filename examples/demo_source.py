"""Source of truth for the demo corpus: every article, its outlet, date, format and labels.

Everything here is invented for this project (outlets, people, companies, the city of Lakeport); no sentence was
copied from anywhere. ``examples/build_demo.py`` renders :data:`ARTICLES` into the pipeline inputs under
``examples/demo/`` (text, HTML, JSON lines, an RSS feed, a WARC crawl) and into the labels
``bench/data/demo_labeled.jsonl``.

An article body is written as one block of blank-line separated paragraphs. Two markers at the start of a
paragraph say what it is, and are not part of the text:

- ``[noise] ...``      a boilerplate line of the page (share prompt, ad slot, photo credit, teaser...);
- ``[off-topic] ...``  a real paragraph about something else (kept in the text, labelled off-topic).

Syndicated copies are made from their original with :func:`syndicate` (light edits + boilerplate tail), and the
stitched content-farm page takes paragraphs of other articles by reference (``[from demo-13:1]``).

Example:
    >>> a = ARTICLES[0]
    >>> a["id"], a["story"], a["format"]
    ('demo-01', 'lakeport-transit-levy-approved', 'txt')
"""

from __future__ import annotations

import copy
import re
from typing import Any

Article = dict[str, Any]

STORIES = {
    "lakeport-transit-levy-approved": "Lakeport council approves a quarter-cent transit levy for the MTA (2025-09-09)",
    "lakeport-transit-levy-blocked": "A judge blocks the Lakeport transit levy after a taxpayers' suit (2025-10-14)",
    "ridgeway-plant-explosion": "Explosion and fire at the Tessmer Polymers plant in Ridgeway (2025-09-25)",
    "lakeport-port-strike": "Dockworkers strike at the Port of Lakeport over automation (2025-10-20)",
    "brightwell-losartan-recall": "Brightwell recalls generic losartan over an NDMA impurity (2025-11-05)",
    "coastal-cup-final": "Lakeport FC beat Fairhaven City 2-1 in the Coastal League Cup final (2025-11-15)",
}

# Figures that outlets report differently for the same subject: the brief's conflict table should show them.
# Each report gives the value, the words that state it, and every article whose text contains those words.
CONFLICTS = [
    {
        "story": "ridgeway-plant-explosion",
        "subject": "people injured",
        "reports": [
            {"value": 14, "text": "injured 14 workers", "articles": ["demo-13", "demo-14", "demo-15", "demo-16"]},
            {"value": 14, "text": "14 workers were injured", "articles": ["demo-20"]},
            {"value": 16, "text": "Sixteen people were hurt", "articles": ["demo-17"]},
            {"value": 16, "text": "injured 16 people", "articles": ["demo-18"]},
        ],
    },
    {
        "story": "ridgeway-plant-explosion",
        "subject": "evacuated",
        "reports": [
            {"value": 1200, "text": "About 1,200 residents", "articles": ["demo-13", "demo-14", "demo-15", "demo-16"]},
            {"value": 900, "text": "Nearly 900 homes", "articles": ["demo-17"]},
        ],
    },
    {
        "story": "lakeport-port-strike",
        "subject": "striking workers",
        "reports": [
            {"value": 2300, "text": "2,300", "articles": ["demo-21", "demo-23", "demo-24", "demo-27"]},
            {"value": 2500, "text": "Roughly 2,500", "articles": ["demo-22"]},
        ],
    },
    {
        "story": "brightwell-losartan-recall",
        "subject": "bottles recalled",
        "reports": [
            {"value": 1200000, "text": "about 1.2 million bottles", "articles": ["demo-28", "demo-31", "demo-32"]},
            {"value": 1400000, "text": "roughly 1.4 million bottles", "articles": ["demo-29"]},
        ],
    },
    {
        "story": "coastal-cup-final",
        "subject": "attendance",
        "reports": [
            {"value": 41200, "text": "41,200", "articles": ["demo-34", "demo-35"]},
            {"value": 42000, "text": "About 42,000", "articles": ["demo-36"]},
        ],
    },
]

OUTLETS = {
    "Lakeport Gazette": "https://www.lakeportgazette.com",
    "The Valley Sentinel": "https://valleysentinel.net",
    "Commerce Daily": "https://www.commercedaily.com",
    "KLPT News 7": "https://www.klpt7.com",
    "Harbor Courier": "https://www.harborcourier.com",
    "Tri-County Tribune": "https://www.tricountytribune.com",
    "Allied Newswire": "https://www.alliednewswire.com",
    "DailyBuzzHub": "https://dailybuzzhub.net",
    "El Heraldo del Puerto": "https://www.elheraldodelpuerto.com",
    "PharmaWatch": "https://www.pharmawatch.org",
}

MARKER = re.compile(r"^\[(noise|off-topic|from (demo-\d+):(\d+))\]\s*")


def _article(
    id: str,
    story: str,
    outlet: str,
    path: str,
    published: str | None,
    fmt: str,
    file: str,
    title: str,
    body: str,
    byline: str | None = None,
    time: str = "09:30",
    section: str | None = None,
    language: str = "en",
    flags: tuple[str, ...] = (),
) -> Article:
    """One article record; ``body`` is parsed into paragraphs, noise lines and off-topic indices."""
    paragraphs: list[str] = []
    noise: list[list[Any]] = []  # [position, line]: the line comes before content paragraph `position`
    off_topic: list[int] = []
    refs: list[list[Any]] = []  # [paragraph index, source id, source paragraph index] for stitched pages
    for block in re.split(r"\n\s*\n", body.strip()):
        text = " ".join(line.strip() for line in block.strip().splitlines())
        m = MARKER.match(text)
        rest = text[m.end() :] if m else text
        if m and m.group(1) == "noise":
            noise.append([len(paragraphs), rest])
            continue
        if m and m.group(1) == "off-topic":
            off_topic.append(len(paragraphs))
        if m and m.group(2):
            refs.append([len(paragraphs), m.group(2), int(m.group(3))])
            rest = ""  # filled in by _resolve_references once every article exists
        paragraphs.append(rest)
    return {
        "id": id,
        "story": story,
        "outlet": outlet,
        "url": OUTLETS[outlet] + path,
        "published": published,
        "time": time,
        "format": fmt,
        "file": file,
        "title": title,
        "byline": byline,
        "section": section,
        "language": language,
        "paragraphs": paragraphs,
        "noise": noise,
        "off_topic": off_topic,
        "references": refs,
        "flags": list(flags),
        "duplicate_of": None,
    }


def syndicate(
    original: Article,
    id: str,
    outlet: str,
    path: str,
    fmt: str,
    file: str,
    title: str,
    edits: list[tuple[str, str]],
    tail: list[str],
    published: str | None = None,
    byline: str | None = None,
    time: str = "11:00",
) -> Article:
    """A republished copy of a wire story: new headline, a few edited sentences, a boilerplate tail."""
    art = copy.deepcopy(original)
    paragraphs = art["paragraphs"]
    for old, new in edits:
        hits = [i for i, p in enumerate(paragraphs) if old in p]
        assert len(hits) == 1, f"edit {old!r} must match exactly one paragraph of {original['id']}"
        paragraphs[hits[0]] = paragraphs[hits[0]].replace(old, new).strip()
    art["paragraphs"] = [p for p in paragraphs if p]
    art["noise"] = [[len(art["paragraphs"]), line] for line in tail]
    art.update(
        id=id,
        outlet=outlet,
        url=OUTLETS[outlet] + path,
        format=fmt,
        file=file,
        title=title,
        published=published or original["published"],
        byline=byline or original["byline"],
        time=time,
        flags=["syndicated_copy", "boilerplate"],
        duplicate_of=original["id"],
    )
    return art


# --------------------------------------------------------------------------------------------------------------
# Story 1: the council approves the transit levy (Tuesday 2025-09-09)
# --------------------------------------------------------------------------------------------------------------
LEVY = "lakeport-transit-levy-approved"

A01 = _article(
    "demo-01", LEVY, "Lakeport Gazette", "/news/2025/09/10/council-approves-transit-levy", "2025-09-10", "txt",
    "lakeport-gazette-levy-vote.txt", "Council approves transit levy in 7-4 vote after five-hour hearing",
    byline="Maria Esposito", body="""
The Lakeport City Council on Tuesday approved a quarter-cent sales tax to fund the Metropolitan Transit Authority,
ending a months-long fight over how to pay for the city’s struggling bus and rail system.

The 7-4 vote came shortly before midnight, after more than five hours of public comment in which 112 residents
signed up to speak. The levy takes effect on Jan. 1 and is expected to raise about $48 million a year, according
to the city’s finance office.

“This is the most important vote this council will take for a generation,” said Council President Marcus Delaney,
who sponsored the measure. “People who can’t afford a car deserve a bus that actually comes.”

Opponents argued that the tax would fall hardest on the families it is meant to help. Council member Jim Varga, who
voted no, called the levy “a regressive tax dressed up as a climate plan” and said the city should have put it to
voters in November.

The MTA has said the money would restore 14 bus routes cut during the pandemic, buy 23 electric buses and pay for
design work on a Blue Line extension to Lakeport International Airport. Ridership remains 37 percent below its 2019
level, the agency reported last month.

Mayor Rosa Kettering, who proposed the levy in her budget address last fall, said she would sign it this week. The
Lakeport Taxpayers Alliance said it was weighing a legal challenge, arguing that the city charter requires a public
vote on new taxes.
""")

A02 = _article(
    "demo-02", LEVY, "The Valley Sentinel", "/local/lakeport-adopts-quarter-cent-transit-tax", "2025-09-10", "txt",
    "valley-sentinel-transit-tax.txt", "Lakeport adopts quarter-cent tax for buses and rail",
    byline="Tom Hadley", flags=("off_topic_paragraph", "boilerplate"), body="""
Lakeport will collect an extra quarter cent on every dollar spent in the city starting in January, after the City
Council narrowly backed a transit levy late Tuesday night.

[noise] Advertisement

Council members split 7-4 on the measure, which city finance staff estimate will bring in $48 million in its first
full year. Every cent is earmarked for the Metropolitan Transit Authority, which runs the city’s buses and its two
light-rail lines.

Supporters packed the chamber in green T-shirts reading ‘Fund the Bus.’ Nurse Angela Ruiz told the council she
spends nearly two hours each way on three buses to reach her shift at St. Brigid’s Hospital. “I’m not asking for a
favor,” she said. “I’m asking for a schedule I can count on.”

Business owners were divided. The Lakeport Chamber of Commerce endorsed the levy in August, but several retailers
along Canal Street warned that shoppers would cross the county line to avoid the tax.

Delaney, the council president, said the ordinance creates an independent oversight board and requires an annual
audit. Opponents led by council member Jim Varga said those promises did not answer why residents were denied a
vote.

[off-topic] In high school football, Lakeport North routed Eastfield 42-7 on Friday night behind three touchdown
passes from junior quarterback Caleb Rourke, improving to 3-0 ahead of next week’s rivalry game at Harbor View.

Mayor Rosa Kettering is expected to sign the ordinance before the end of the week.

[noise] Share this story: Facebook | Twitter | Email
""")

A03 = _article(
    "demo-03", LEVY, "Commerce Daily", "/economy/2025/09/10/retailers-brace-for-lakeport-transit-tax", "2025-09-10",
    "jsonl", "commerce-daily-export.jsonl", "Retailers brace for Lakeport transit tax as MTA plans bus expansion",
    byline="Priya Natarajan", section="Economy", time="13:15", body="""
Shoppers in Lakeport will pay 8.75 percent in combined sales tax from January, among the highest rates in the
region, after the city council voted to dedicate a new quarter-cent levy to public transit.

The measure passed 7-4 on Tuesday. City finance officials project that it will generate $48 million annually for
the Metropolitan Transit Authority (MTA), which has run operating deficits in each of the past three years.

MTA chief executive Alicia Brandt said the agency would use the first year’s revenue to bring back 14 bus routes,
add weekend service on its Green Line and order 23 battery-electric buses at about $1.1 million each. “We can
finally plan beyond the next budget cycle,” Brandt said in an interview.

Retail groups were less enthusiastic. The Canal Street Merchants Association estimated that the levy could cost its
60 members as much as 3 percent of sales as customers drive to suburban malls. Its president, Howard Lim, said the
group had asked the council for a five-year sunset clause, which was rejected.

A dedicated revenue stream could improve the MTA’s credit outlook, analysts at Harlow Ratings wrote in a note to
investors on Wednesday.
""")

A04 = _article(
    "demo-04", LEVY, "KLPT News 7", "/news/lakeport-council-passes-transit-tax", "2025-09-10", "rss",
    "klpt7-news.rss", "BREAKING: Lakeport council passes transit tax",
    time="06:10", section="Politics", byline="KLPT Staff",
    flags=("boilerplate",), body="""
Lakeport City Council members voted 7 to 4 Tuesday night to approve a quarter-cent sales tax for the Metropolitan
Transit Authority.

The vote followed a marathon public hearing that stretched past 11 p.m. Dozens of bus riders, nurses and students
spoke in favor. Opponents, including members of the Lakeport Taxpayers Alliance, said the council was sidestepping
voters.

"We will see the council in court if that's what it takes," alliance chair Gail Moreno told KLPT News 7 outside
City Hall.

Council President Marcus Delaney, who sponsored the measure, said the vote showed that "this city is ready to invest
in the people who ride the bus."

The MTA says the new money will restore service on 14 routes and buy new electric buses. The tax would start Jan. 1,
and Mayor Rosa Kettering has said she supports it.

[noise] Stay with KLPT News 7 for updates on this developing story.
""")

A05 = _article(
    "demo-05", LEVY, "Harbor Courier", "/politics/2025/09/11/delaney-levy-real-test", "2025-09-11", "html",
    "harbor-courier-delaney-levy.html", "After levy win, Delaney says the real test is whether buses run on time",
    byline="Dana Whitford", flags=("misspelt_name", "boilerplate"), body="""
Two days after the Lakeport City Council approved a transit levy by a 7-4 margin, the man who pushed it through says
the hard part is just beginning.

[noise] Council President Marcus Delaney in his City Hall office on Thursday. (Photo: Jenna Park / Harbor Courier)

“Nobody is going to thank us for a tax,” Council President Marcus Delaney said Thursday in his City Hall office.
“They’ll thank us if the No. 9 bus shows up every ten minutes.”

Dellaney, a former bus driver who represents the city’s east side, spent most of the summer lining up votes. He won
over two undecided members, Sarah Kim and Paul Achterberg, by adding an oversight board of riders and auditors and a
clause requiring the MTA to publish on-time figures every quarter.

The Metropolitan Transit Authority’s on-time rate fell to 71 percent last year, down from 84 percent in 2019,
according to the agency’s annual report.

[noise] Advertisement

Not everyone is convinced. “He sold a promise, and the promise costs $48 million a year,” said Gail Moreno, who
chairs the Lakeport Taxpayers Alliance. The group has hired a lawyer and says the city charter required the levy to
go before voters.

City Attorney Raymond Cho said the council acted within its authority, noting that a similar sales tax for parks
was adopted without a referendum two years ago.
""")

A06 = _article(
    "demo-06", LEVY, "Tri-County Tribune", "/explainers/lakeport-transit-tax-what-it-means", "2025-09-10", "html",
    "tri-county-tribune-transit-tax-explainer.html", "What Lakeport’s new transit tax means for riders and shoppers",
    byline="Tribune Staff", time="15:40", body="""
Lakeport’s City Council has approved a new sales tax to pay for public transit. Here is what the decision means.

How much is the tax? A quarter of a cent on each dollar, or 25 cents on a $100 purchase. Groceries and prescription
drugs are exempt, as they are under the existing state sales tax.

When does it start? Jan. 1. The city expects to collect about $48 million in 2026, though council member Jim Varga
said the estimate assumes retail sales keep growing at last year’s pace.

Where does the money go? All of it goes to the Metropolitan Transit Authority. The MTA board approved a spending
plan in August that restores 14 routes, buys 23 electric buses and sets aside $4.2 million for planning an airport
rail extension.

Who voted for it? Council President Marcus Delaney and six colleagues voted yes on Tuesday. Varga and three others
voted no.

Could it still be stopped? The Lakeport Taxpayers Alliance says it may sue, arguing the charter requires a public
vote. Mayor Rosa Kettering has said she will sign the ordinance.
""")

A07 = _article(
    "demo-07", LEVY, "Lakeport Gazette", "/news/2025/09/12/kettering-signs-transit-levy", "2025-09-12", "warc",
    "lakeport-crawl.warc.gz", "Kettering signs transit levy, calls it ‘a promise to riders’",
    byline="Maria Esposito", time="14:05", body="""
Mayor Rosa Kettering on Friday signed the quarter-cent transit levy that the City Council approved earlier this
week, surrounded by bus drivers and riders at the Union Street transit center.

“This is a promise to riders, and we intend to keep it,” Kettering said before signing the ordinance on the hood of
one of the MTA’s new electric buses.

The levy, approved 7-4 on Tuesday, will raise about $48 million a year for the Metropolitan Transit Authority
beginning in January. MTA chief executive Alicia Brandt said the first restored routes could be running by March.

The Lakeport Taxpayers Alliance on Friday filed a notice with the city clerk saying it intends to challenge the levy
in Marsh County Superior Court. Alliance chair Gail Moreno said the group had raised nearly $60,000 for legal fees.

Council President Marcus Delaney called the threatened lawsuit “a stunt,” saying the charter lets the council set
taxes dedicated to a single purpose.
""")

# --------------------------------------------------------------------------------------------------------------
# Story 2: a judge blocks the levy (Tuesday 2025-10-14): same actors, a month later, a different event
# --------------------------------------------------------------------------------------------------------------
BLOCKED = "lakeport-transit-levy-blocked"

A08 = _article(
    "demo-08", BLOCKED, "Lakeport Gazette", "/news/2025/10/14/judge-halts-transit-levy", "2025-10-14", "html",
    "lakeport-gazette-judge-halts-levy.html", "Judge halts Lakeport transit levy pending lawsuit",
    byline="Maria Esposito", time="16:20", body="""
A Marsh County Superior Court judge on Tuesday temporarily blocked Lakeport from collecting its new transit sales
tax, handing an early victory to a taxpayers’ group that says the levy should have gone to voters.

Judge Harriet Lowe granted a preliminary injunction sought by the Lakeport Taxpayers Alliance, writing that the group
had shown “a substantial likelihood” of proving that the city charter requires voter approval for any new general
tax. A full hearing is set for Nov. 18.

The ruling freezes the quarter-cent levy, which the City Council approved 7-4 in September and which was due to take
effect on Jan. 1.

“The judge confirmed what we have said from day one: the people get to decide,” alliance chair Gail Moreno said
outside the courthouse.

City Attorney Raymond Cho said the city would appeal. “We respectfully disagree with the court’s reading of the
charter,” he said in a statement, adding that the levy is a special tax dedicated to transit, not a general tax.

The Metropolitan Transit Authority said it would pause its order for 23 electric buses and postpone restoring 14 bus
routes until the legal fight is resolved. “Every month of delay is a month riders wait,” MTA chief executive Alicia
Brandt said.
""")

A09 = _article(
    "demo-09", BLOCKED, "KLPT News 7", "/news/judge-blocks-transit-tax-mta-bus-plans-on-hold", "2025-10-14", "rss",
    "klpt7-news.rss", "Judge blocks transit tax; MTA puts bus plans on hold",
    time="17:45", section="Politics", byline="KLPT Staff",
    body="""
A judge has put Lakeport's transit tax on hold. Judge Harriet Lowe ruled Tuesday that the levy cannot be collected
until a lawsuit from the Lakeport Taxpayers Alliance is decided.

The quarter-cent tax was approved by the City Council last month and signed by Mayor Rosa Kettering.

Council President Marcus Delaney called Tuesday's decision "a setback, not a defeat" and said he expected the city
to win on appeal.

The MTA says restoring bus routes will have to wait. The agency had planned to bring back the first routes in March.

Riders at the Union Street transit center said they were frustrated. "I waited forty minutes this morning," said
Jerome Watts, who rides the No. 9 to work. "Now they tell me to wait some more."

The next court hearing is scheduled for November 18.
""")

A10 = _article(
    "demo-10", BLOCKED, "Tri-County Tribune", "/news/taxpayers-group-wins-round-one-transit-tax", None, "txt",
    "tri-county-tribune-taxpayers-win.txt", "Taxpayers’ group wins round one in transit tax fight",
    flags=("no_date",), body="""
The Lakeport Taxpayers Alliance scored its first win against the city’s transit tax on Tuesday, when a judge agreed
to suspend the levy while the group’s lawsuit goes forward.

The alliance, a coalition of about 400 homeowners and small-business owners, sued the city last month, days after
Mayor Rosa Kettering signed the quarter-cent tax into law.

Its lawyer, Denise Fairbanks, argued that Section 9.4 of the city charter requires a public vote on any tax that
raises more than $10 million a year. The city says the provision does not apply to taxes set aside for a single
purpose.

In Tuesday’s ruling, Judge Harriet Lowe wrote that the city’s reading “would allow the exception to swallow the
rule.”

Council member Jim Varga, who voted against the levy, said the council should now place it on the ballot in the
spring. “If it’s a good idea, voters will say yes,” he said.

Council President Delaney said he would not rule out a ballot measure but preferred to wait for the appeal.
""")

A11 = _article(
    "demo-11", BLOCKED, "Harbor Courier", "/politics/2025/10/15/levy-ruling-mta-budget-question", "2025-10-15", "html",
    "harbor-courier-levy-ruling-mta-budget.html", "Transit levy ruling leaves MTA budget with a $48 million question",
    byline="Dana Whitford", body="""
The Metropolitan Transit Authority’s board will meet in emergency session on Thursday to rework its 2026 budget
after a judge froze the sales tax that was supposed to pay for it.

Tuesday’s ruling by Marsh County Superior Court Judge Harriet Lowe suspends the quarter-cent levy until at least a
Nov. 18 hearing. The MTA had already built the expected $48 million into next year’s plan.

Board chair Evelyn Stroud said the agency had signed no contracts that depend on the levy, so it would not face
penalties. But she said the board would have to decide whether to keep paying 40 temporary drivers hired in
anticipation of restored routes.

“We planned in good faith on a law the council passed and the mayor signed,” Stroud told the Courier.

Transit advocates said the delay would fall on riders with few alternatives. About 38,000 people take an MTA bus on
a typical weekday, according to agency figures, down from about 61,000 before the pandemic.

The city filed a notice of appeal on Wednesday, according to court records.
""")

A12 = _article(
    "demo-12", BLOCKED, "Commerce Daily", "/markets/2025/10/15/lakeport-levy-freeze-mta-bonds", "2025-10-15", "jsonl",
    "commerce-daily-export.jsonl", "Lakeport levy freeze rattles MTA bondholders", byline="Priya Natarajan",
    section="Markets", time="12:00", body="""
Bonds issued by Lakeport’s Metropolitan Transit Authority slipped on Wednesday after a court suspended the sales tax
the agency was counting on to close its budget gap.

The MTA’s 2041 revenue bonds fell about 2 points, to 94 cents on the dollar, according to trading data. Analysts at
Harlow Ratings said they were reviewing the agency’s outlook, which they had raised to “positive” in September after
the council approved the levy.

Judge Harriet Lowe on Tuesday granted a preliminary injunction requested by the Lakeport Taxpayers Alliance, which
contends that the tax needed voter approval. The city has said it will appeal.

“Investors priced in a dedicated revenue stream, and now it is in legal limbo,” said Gregory Tan, a municipal bond
strategist at Whitcomb Securities. He said a quick appeal could limit the damage.

The MTA has about $310 million in outstanding debt. Its chief executive, Alicia Brandt, said the agency had enough
cash to cover operations through the end of the fiscal year in June.
""")

A40 = _article(
    "demo-40", BLOCKED, "Allied Newswire", "/us/2025/10/14/judge-suspends-lakeport-transit-tax", "2025-10-14", "html",
    "allied-newswire-lakeport-tax-suspended.html", "Judge suspends Lakeport transit tax, citing voters’ rights",
    byline="Kevin Ostrowski", time="21:40", body="""
LAKEPORT (AN) — A judge on Tuesday suspended a new transit sales tax in Lakeport, ruling that opponents had a strong
case that the city needed voters’ approval before imposing it.

The quarter-cent levy, passed by the City Council last month, was expected to raise about $48 million a year for the
Metropolitan Transit Authority, which runs buses and light rail in the city of about 640,000 people.

Marsh County Superior Court Judge Harriet Lowe granted a preliminary injunction requested by the Lakeport Taxpayers
Alliance and scheduled a full hearing for Nov. 18.

Transit taxes have become a flashpoint in cities where ridership has not recovered from the pandemic. Voters in at
least nine metropolitan areas have weighed transit tax measures in the past two years, with mixed results.

"This ruling is about process, not about buses," said Denise Fairbanks, the alliance's lawyer. City Attorney Raymond
Cho said the city would ask an appeals court to lift the injunction quickly.

Mayor Rosa Kettering, who proposed the tax, said in a statement that she was "disappointed but not discouraged."
""")

# --------------------------------------------------------------------------------------------------------------
# Story 3: explosion at the Tessmer Polymers plant (Thursday 2025-09-25): a wire story and its copies
# --------------------------------------------------------------------------------------------------------------
FIRE = "ridgeway-plant-explosion"

A13 = _article(
    "demo-13", FIRE, "Allied Newswire", "/us/2025/09/25/ridgeway-plastics-plant-explosion", "2025-09-25", "html",
    "allied-newswire-ridgeway-explosion.html", "Explosion and fire at Ridgeway plastics plant injure 14",
    byline="Kevin Ostrowski", time="15:30", flags=("wire_original",), body="""
RIDGEWAY (AN) — An explosion tore through a plastics plant in Ridgeway on Thursday morning, setting off a fire that
injured 14 workers and sent a column of black smoke over the valley, officials said.

The blast happened shortly after 6:40 a.m. in a mixing building at the Tessmer Polymers plant on Route 12,
according to Ridgeway Fire Chief Dale Whitfield. Two workers were in critical condition at Lakeport General
Hospital, he said.

“Our crews arrived to heavy fire and a partial roof collapse,” Whitfield told reporters. “Every worker has been
accounted for.”

About 1,200 residents within half a mile of the plant were ordered to leave their homes as a precaution, and schools
in the Ridgeway district were closed for the day. The order was lifted Thursday evening after air monitors found no
dangerous levels of chemicals, the state Department of Environmental Quality said.

Tessmer Polymers, which makes plastic pellets for packaging, employs about 230 people at the plant. Company
spokesman Evan Pruitt said the firm was cooperating with investigators and that the cause was not yet known.

Federal safety inspectors cited the plant two years ago for problems with its dust-control system and proposed fines
of $38,000, according to Labor Department records.
""")

A14 = syndicate(
    A13, "demo-14", "Tri-County Tribune", "/news/wire/14-hurt-blast-tessmer-plant-ridgeway", "html",
    "tri-county-tribune-tessmer-blast.html", "14 hurt as blast rips through Tessmer plant in Ridgeway",
    edits=[("RIDGEWAY (AN) — An explosion", "An explosion")],
    tail=["This story was provided by Allied Newswire.", "Copyright 2025 Allied Newswire. All rights reserved."],
    time="16:05",
)

A15 = syndicate(
    A13, "demo-15", "The Valley Sentinel", "/wire/ridgeway-plant-explosion-injures-14", "txt",
    "valley-sentinel-ridgeway-wire.txt", "Ridgeway plant explosion injures 14 workers, forces evacuation",
    edits=[("Two workers were in critical condition at Lakeport General Hospital, he said.",
            ("Two of the injured were listed in critical condition Thursday afternoon at Lakeport General Hospital, he "
            "said."))],
    tail=[("Copyright 2025 Allied Newswire. All rights reserved. This material may not be published, broadcast, "
          "rewritten or redistributed."), "Share this story"],
    time="17:10",
)

A16 = syndicate(
    A13, "demo-16", "Harbor Courier", "/region/2025/09/25/ridgeway-plant-explosion-wire", "warc",
    "lakeport-crawl.warc.gz", "Ridgeway blast: 14 injured at Tessmer Polymers, evacuation lifted",
    edits=[("RIDGEWAY (AN) — ", ""),
           (("Federal safety inspectors cited the plant two years ago for problems with its dust-control system and "
            "proposed fines of $38,000, according to Labor Department records."), "")],
    tail=["Allied Newswire contributed to this report.", "Related Articles",
          "Lakeport council approves transit levy in 7-4 vote ..."],
    time="18:00",
)

A17 = _article(
    "demo-17", FIRE, "KLPT News 7", "/news/16-injured-ridgeway-plant-explosion", "2025-09-25", "rss",
    "klpt7-news.rss", "16 injured in Ridgeway plant explosion; evacuation lifted",
    time="19:20", section="Local", byline="KLPT Staff",
    body="""
Sixteen people were hurt Thursday when an explosion and fire ripped through the Tessmer Polymers plant in Ridgeway,
Fire Chief Dale Whitfield told KLPT News 7.

Whitfield said the count includes two firefighters treated for heat exhaustion. Two plant workers suffered serious
burns and were taken to the burn unit at Lakeport General Hospital.

Neighbors described a boom that rattled windows more than a mile away. "I thought a truck had hit the house," said
Bev Olander, who lives on Cooper Road, about a quarter mile from the plant.

Nearly 900 homes were evacuated for most of the day. The evacuation order was lifted at 5 p.m. after state
environmental officials found no harmful levels of chemicals in the air.

Ridgeway schools were closed Thursday and will reopen Friday, Superintendent Lorraine Vickers said.

Tessmer Polymers said in a statement that it was "deeply grateful to the first responders" and would fully
cooperate with investigators.
""")

A18 = _article(
    "demo-18", FIRE, "Lakeport Gazette", "/news/2025/09/26/ridgeway-investigators-dryer-unit", "2025-09-26", "txt",
    "lakeport-gazette-ridgeway-investigation.txt",
    "Investigators focus on dryer unit as Ridgeway blast toll rises to 16", byline="Owen Kirkland",
    flags=("boilerplate",), body="""
[noise] Investigators focus on dryer unit as Ridgeway blast toll rises to 16

State and federal investigators on Friday began sifting through the charred mixing building at the Tessmer Polymers
plant in Ridgeway, where an explosion on Thursday injured 16 people, including two firefighters.

[noise] (Photo by Jenna Park/Lakeport Gazette)

Investigators are focusing on a dryer unit that removes moisture from plastic resin, according to two people briefed
on the inquiry who were not authorized to speak publicly. Workers had reported a burning smell near the unit on
Wednesday night, one of them said.

Fire Chief Dale Whitfield said the 14 workers hurt in the blast ranged in age from 22 to 61. Two remained in
critical condition on Friday with burns over much of their bodies. “These are our neighbors,” Whitfield said. “Half
my volunteers have family who work at that plant.”

The U.S. Chemical Safety Board said it was sending a team of four investigators, its first deployment in the state in
nearly a decade.

Tessmer plant manager Karen Liu told employees in a letter that the plant would stay closed at least through next
week and that all 230 workers would continue to be paid, according to a copy seen by the Gazette.

The company was cited in 2023 for failing to maintain the dust collectors at the site.

[noise] Related Articles

[noise] Ridgeway residents question air monitoring after plant blast, say sirens came too late ...

[noise] Share this article
""")

A19 = _article(
    "demo-19", FIRE, "DailyBuzzHub", "/news/ridgeway-explosion-everything-we-know", "2025-09-27", "html",
    "dailybuzzhub-ridgeway-explosion.html",
    "Ridgeway Explosion: Everything We Know So Far About The Tessmer Plant Fire",
    byline="Buzz Staff", time="08:00", flags=("stitched", "boilerplate"), body="""
If you have been following the news out of Ridgeway this week, you have probably seen the shocking pictures of black
smoke pouring out of the Tessmer Polymers plant. Here is everything we know so far about the explosion.

[from demo-13:1]

[from demo-17:1]

[noise] ADVERTISEMENT - CONTINUE READING BELOW

[from demo-18:2]

[from demo-13:5]

The plant has been a big local employer for years, and many families in the area are now waiting for answers about
what went wrong and when the workers will be back on the job.

[noise] Don't forget to follow us for the latest updates!
""")

A20 = _article(
    "demo-20", FIRE, "Commerce Daily", "/industry/2025/09/26/tessmer-shares-fall-after-ridgeway-explosion",
    "2025-09-26", "jsonl", "commerce-daily-export.jsonl", "Tessmer Polymers shares fall 6% after Ridgeway explosion",
    byline="Leon Abara", section="Industry", time="20:30", body="""
Shares of Tessmer Polymers fell 6.2 percent on Friday, their steepest one-day drop in more than a year, after an
explosion at the company’s Ridgeway plant injured more than a dozen people and halted production.

The Ridgeway site accounts for roughly 18 percent of Tessmer’s resin output, according to the company’s most recent
annual report. Chief financial officer Nadia Ferreira told analysts on a hastily arranged call that the company
carried $150 million in property and business-interruption insurance.

“Our first concern is our people,” Ferreira said. “It is too early to estimate the financial impact.”

Analysts at Whitcomb Securities cut their price target on the stock, noting that the plant supplies pellets to
several food-packaging customers that may need to find other sources. Tessmer said it could shift some production to
its plant in Greenfield.

The company said 14 workers were injured in Thursday’s blast, two of them critically.
""")

# --------------------------------------------------------------------------------------------------------------
# Story 4: dockworkers strike at the Port of Lakeport (Monday 2025-10-20)
# --------------------------------------------------------------------------------------------------------------
STRIKE = "lakeport-port-strike"

A21 = _article(
    "demo-21", STRIKE, "Lakeport Gazette", "/news/2025/10/20/dockworkers-strike-port-of-lakeport", "2025-10-20",
    "html", "lakeport-gazette-port-strike.html", "Dockworkers walk off the job at Port of Lakeport",
    byline="Owen Kirkland", time="15:00", body="""
About 2,300 dockworkers at the Port of Lakeport went on strike early Monday, halting cargo operations at the region’s
busiest port after contract talks collapsed over the weekend.

Members of the Harbor Workers Union Local 212 set up picket lines at all four container terminals at 6 a.m. By
midday, 31 ships were anchored offshore or idle at berth, according to the Port of Lakeport Authority.

The union is seeking raises of 9 percent a year over a four-year contract and a ban on new automated cranes. The
Pacific Terminal Operators Association, which negotiates for the terminal companies, has offered 4.5 percent a year
and a buyout program for workers displaced by automation.

“They want to replace us with machines and thank us with a pension cut,” union president Tony Reyes told the Gazette
on the picket line. “We gave this port thirty years of nights, weekends and holidays, and we kept it running through
the pandemic when everybody else stayed home.

“Now they say the future doesn’t need us. We’re not going anywhere.”

In a statement, the operators’ association called its offer “fair and generous” and urged the union to return to the
table.

The port handles about $180 million worth of goods a day, port director Linda Farrow said, warning that retailers
could see shortages ahead of the holiday season if the strike lasts more than a week.
""")

A22 = _article(
    "demo-22", STRIKE, "KLPT News 7", "/news/port-strike-what-it-means-for-you", "2025-10-20", "rss",
    "klpt7-news.rss", "Port strike: what it means for you",
    time="20:00", section="Business", byline="KLPT Staff", body="""
The strike at the Port of Lakeport could soon be felt in stores, economists say.

Roughly 2,500 members of Harbor Workers Union Local 212 walked off the job Monday morning, the union said. The port's
four container terminals are shut.

Car parts, furniture and electronics are among the port's biggest imports. Economist Rachel Ng of Lakeport State
University said shoppers might not notice for a week or two. "Retailers stocked up in September because they saw
this coming," she said. "If it drags into November, you'll see empty shelves."

Farmers who ship hay and fruit overseas are also worried. The port handles about 37 percent of the state's
agricultural exports, according to the state farm bureau.

No new talks have been scheduled. Mayor Rosa Kettering urged both sides on Monday to return to the table.
""")

A23 = _article(
    "demo-23", STRIKE, "Allied Newswire", "/us/2025/10/21/lakeport-port-strike-second-day", "2025-10-21", "html",
    "allied-newswire-port-strike-day-two.html", "Lakeport port strike enters second day as ships pile up offshore",
    byline="Kevin Ostrowski", time="14:10", body="""
LAKEPORT (AN) — A strike by dockworkers at the Port of Lakeport stretched into a second day on Tuesday, with more
than three dozen cargo ships waiting to unload and no talks scheduled between the union and terminal operators.

The Harbor Workers Union Local 212, which represents about 2,300 longshore workers, clerks and crane operators,
walked out Monday after its contract expired. Automation is the central dispute: operators want to install
remote-controlled cranes at two terminals, which the union says would eliminate some 600 jobs.

‘We have been negotiating for eleven months,’ said Local 212 president Tony Reyes. ‘The operators decided to wait us
out. So now we wait them out.’

The Pacific Terminal Operators Association said automation would make the port competitive with rivals along the
coast and that no current worker would be laid off. Its chief negotiator, Craig Halloran, said the union’s wage
demands would add $410 million to labor costs over four years.

The Federal Mediation and Conciliation Service said on Tuesday it had contacted both sides. Lakeport Mayor Rosa
Kettering called the strike “a serious blow to the regional economy” and offered City Hall as a venue for talks.
""")

A24 = _article(
    "demo-24", STRIKE, "Commerce Daily", "/trade/2025/10/21/shippers-reroute-cargo-lakeport-strike", "2025-10-21",
    "jsonl", "commerce-daily-export.jsonl", "Shippers reroute cargo as Lakeport strike shuts terminals",
    byline="Leon Abara", section="Trade", time="18:45", body="""
Major shipping lines began diverting vessels away from the Port of Lakeport on Tuesday as a dockworkers’ strike
entered its second day, with at least four ships redirected to Fairhaven and Port Sorrel.

The diversions add two to three days of trucking for importers whose warehouses are near Lakeport, freight brokers
said. Spot rates for trucking out of Fairhaven rose 12 percent overnight, according to the freight platform LoadLine.

“Every day this goes on, it costs the regional economy about $180 million in delayed trade,” port director Linda
Farrow said at a briefing. She said 34 vessels were waiting at anchor on Tuesday morning.

The walkout by about 2,300 members of Harbor Workers Union Local 212 centers on automation. The union wants a
contract ban on remote-controlled cranes; terminal operators have offered buyouts of up to $150,000 for workers who
lose their jobs to new equipment.

Retail groups urged the White House to intervene. The National Retail Council said in a letter that holiday
inventories were “at serious risk.”
""")

A25 = _article(
    "demo-25", STRIKE, "El Heraldo del Puerto", "/noticias/2025/10/21/huelga-paraliza-puerto-lakeport", "2025-10-21",
    "warc", "lakeport-crawl.warc.gz", "Huelga de estibadores paraliza el puerto de Lakeport", byline="Lucía Ramírez",
    language="es", time="16:00", flags=("non_english",), body="""
Unos 2.300 estibadores del puerto de Lakeport iniciaron el lunes una huelga que ha paralizado las cuatro terminales
de contenedores, tras el fracaso de las negociaciones con las empresas operadoras durante el fin de semana.

El sindicato Harbor Workers Union Local 212 exige aumentos salariales del 9 por ciento anual y la prohibición de
nuevas grúas automatizadas. Las empresas ofrecen un 4,5 por ciento anual y un programa de indemnizaciones para los
trabajadores afectados.

«Quieren reemplazarnos con máquinas», dijo Tony Reyes, presidente del sindicato, frente a la terminal sur.

Según la autoridad portuaria, más de treinta barcos esperaban el martes frente a la costa. Muchos trabajadores
latinos del puerto temen perder sus empleos si avanza la automatización, y los comerciantes advierten de posibles
retrasos en la temporada navideña. La alcaldesa Rosa Kettering pidió a ambas partes volver a la mesa de diálogo.
""")

A26 = _article(
    "demo-26", STRIKE, "Harbor Courier", "/people/2025/10/22/picket-line-three-generations-reyes", "2025-10-22",
    "txt", "harbor-courier-picket-line.txt", "On the picket line: three generations of a Lakeport dock family",
    byline="Dana Whitford", body="""
Tony Reyes was nine years old the first time his father took him to the Port of Lakeport to watch the cranes. Now 54
and president of Harbor Workers Union Local 212, he spends his days on a folding chair outside Terminal 3, a picket
sign propped against his knee.

His son Marco, 27, a crane operator, walks the line a few yards away. “My grandfather unloaded coffee sacks by hand,”
Marco Reyes said. “My dad drove straddle carriers. I run a crane. The company wants the next guy to be a computer in
an office park.”

The strike, now in its third day, began Monday after talks over a new contract broke down. The biggest sticking
point is automation: the Pacific Terminal Operators Association wants remote-operated cranes at two terminals.

Union members receive $400 a week in strike pay, far less than the $1,900 a typical longshore worker earns in a
week, according to union figures.

Several small businesses near the terminals have offered support. Lupe’s Diner on Harbor Avenue has served free
breakfast to picketers since Monday. “They’re my customers 52 weeks a year,” owner Guadalupe Santos said.

No negotiations were scheduled as of Wednesday, though a federal mediator has spoken with both sides.
""")

A27 = _article(
    "demo-27", STRIKE, "Tri-County Tribune", "/agriculture/farmers-fear-spoiled-exports-port-strike", "2025-10-23",
    "warc", "lakeport-crawl.warc.gz", "Farmers fear spoiled exports as port strike drags on", byline="Ellen Varga",
    time="10:30", body="""
Apple growers and hay exporters in the Tri-County area say the dockworkers’ strike at the Port of Lakeport is
threatening shipments worth millions of dollars as the walkout heads into its fourth day.

About 400 refrigerated containers of apples and pears are stuck at the port’s terminals or at growers’ warehouses,
said Kent Aldridge, who heads the Valley Fruit Growers Cooperative. “Apples don’t wait for a contract,” he said.

Hay exporter Linda Beaumont said she had cancelled three shipments to Asia worth $2.6 million. “My customers in
Japan will find another supplier, and they may not come back,” she said.

The strike by about 2,300 members of Harbor Workers Union Local 212 began on Monday. It centres on the terminal
operators’ plans to bring in automated cranes.

State Agriculture Director Paul Hennessey said the state had asked the terminal operators to let union members
handle perishable cargo during the strike. The union has said it is open to that request.
""")

# --------------------------------------------------------------------------------------------------------------
# Story 5: Brightwell recalls losartan tablets (Wednesday 2025-11-05)
# --------------------------------------------------------------------------------------------------------------
RECALL = "brightwell-losartan-recall"

A28 = _article(
    "demo-28", RECALL, "Allied Newswire", "/health/2025/11/05/brightwell-recalls-blood-pressure-pills", "2025-11-05",
    "html", "allied-newswire-brightwell-recall.html", "Brightwell recalls blood pressure pills over impurity",
    byline="Allied Newswire", time="17:00", body="""
Brightwell Pharmaceuticals is recalling about 1.2 million bottles of its generic losartan blood pressure tablets
after tests found higher than allowed levels of a possible cancer-causing impurity, the U.S. Food and Drug
Administration said on Wednesday.

The recall covers 38 lots of 25-, 50- and 100-milligram tablets shipped to pharmacies and wholesalers nationwide
between March and September, according to a notice posted by the FDA.

The company found the impurity, N-nitrosodimethylamine, or NDMA, during routine testing at its plant in Fairhaven.
NDMA is classified as a probable human carcinogen. Brightwell said it had received no reports of illness linked to
the pills.

“Patients should not stop taking their medication without talking to a doctor or pharmacist,” the FDA said, noting
that the risk from suddenly stopping blood pressure treatment is greater than the risk from the impurity.

Brightwell chief executive Martin Greaves said the company had stopped production on the affected line and hired an
outside laboratory to review its testing. Its shares fell 8 percent in afternoon trading.
""")

A29 = _article(
    "demo-29", RECALL, "PharmaWatch", "/recalls/2025/11/06/brightwell-losartan-recall-testing-gap", "2025-11-06",
    "html", "pharmawatch-brightwell-losartan.html",
    "Brightwell losartan recall: 1.4 million bottles, 38 lots and a testing gap", byline="Helen Abiodun",
    time="11:45", body="""
The recall that Brightwell Pharmaceuticals announced on Wednesday covers roughly 1.4 million bottles of losartan
potassium tablets across 38 lots, according to the company’s filing with the FDA.

The filing shows that NDMA levels in some lots reached 0.31 micrograms per tablet, more than three times the
agency’s acceptable daily intake of 0.096 micrograms.

Quality experts said the episode echoes the sartan recalls of 2018 and 2019, when impurities traced to a change in
manufacturing led to the withdrawal of dozens of products worldwide. “Nitrosamines were supposed to be a solved
problem,” said Dr. Felix Amundsen, a former FDA inspector who now advises drugmakers. “This tells us somebody changed
a solvent or a supplier and didn’t re-validate the process.”

Brightwell said it had switched suppliers for a raw ingredient in February and was investigating whether the change
was responsible.

The FDA inspected Brightwell’s Fairhaven plant in 2023 and noted “inadequate investigation of ‘out-of-specification’
results,” according to the agency’s inspection report. The company said it had corrected those findings.
""")

A30 = _article(
    "demo-30", RECALL, "Lakeport Gazette", "/health/2025/11/06/losartan-recall-pharmacies-questions", "2025-11-06",
    "txt", "lakeport-gazette-losartan-pharmacies.txt", "Recall sends losartan patients to pharmacies with questions",
    byline="Sofia Marchetti", body="""
Pharmacists across Lakeport spent Thursday fielding calls from worried patients after Brightwell Pharmaceuticals
recalled more than a million bottles of blood pressure pills over a contamination concern.

At Harbor Avenue Pharmacy, pharmacist Dev Patel said nearly two dozen customers had called by noon. “The first thing
I tell everyone is: don’t just stop taking it,” Patel said. “We can switch you to another manufacturer’s losartan
today.”

The recall, announced Wednesday, covers 38 lots of the generic drug made at Brightwell’s Fairhaven plant.
Pharmacies can check lot numbers on the FDA’s website.

Dr. Alisha Grant, a cardiologist at Lakeport General Hospital, said the cancer risk from the impurity is small and
builds over years of exposure. “This is a reason to get a replacement bottle, not a reason to panic,” she said.

Losartan is one of the most widely prescribed blood pressure drugs in the United States. State health officials said
about 23,000 residents fill a losartan prescription in a typical month, though not all of them use Brightwell’s
version.
""")

A31 = _article(
    "demo-31", RECALL, "KLPT News 7", "/news/blood-pressure-medication-recalled-check-your-bottle", "2025-11-05",
    "rss", "klpt7-news.rss", "Blood pressure medication recalled; check your bottle", time="22:15",
    section="Health", byline="KLPT Staff", body="""
If you take the blood pressure drug losartan, check your bottle. Brightwell Pharmaceuticals is recalling 38 lots of
the generic medicine because of a contaminant that may raise the risk of cancer over time, the FDA announced
Wednesday.

The company says about 1.2 million bottles are affected. The lot numbers are printed on the side of the label and
are listed on the FDA website.

Doctors say patients should keep taking their pills until they can get a replacement. Most pharmacies will swap
recalled bottles at no cost.

KLPT News 7 checked with five Lakeport pharmacies on Wednesday, and all said they had replacement stock from other
manufacturers.

Brightwell says no one has reported getting sick. The company has set up a hotline for patients at 1-800-555-0142.
""")

A32 = _article(
    "demo-32", RECALL, "Commerce Daily", "/health-care/2025/11/06/brightwell-shares-slide-recall-costs", "2025-11-06",
    "jsonl", "commerce-daily-export.jsonl", "Brightwell shares slide as recall costs mount", byline="Priya Natarajan",
    section="Health Care", time="21:30", body="""
Brightwell Pharmaceuticals shares fell for a second day on Thursday, leaving them down 11 percent for the week, as
analysts weighed the cost of the company’s losartan recall.

Brightwell said in a securities filing that the recall of about 1.2 million bottles would cost between $14 million
and $19 million, including refunds to wholesalers and the destruction of inventory. Losartan accounted for 9 percent
of its revenue last year.

Analyst Marta Kowalczyk of Dunbridge Capital said the bigger risk was regulatory. “If the FDA comes back and finds
systemic problems in Fairhaven, you are looking at import alerts and warning letters, not a one-quarter charge,” she
said.

Chief executive Martin Greaves told investors that the problem was limited to a single production line and that
other products made at the plant had tested clean.

Brightwell, which makes about 140 generic medicines, reported revenue of $2.3 billion last year.
""")

A33 = _article(
    "demo-33", RECALL, "The Valley Sentinel", "/health/brightwell-recall-pharmacies-swap-losartan", "2025-11-07",
    "html", "valley-sentinel-losartan-swap.html", "Pharmacies swap recalled losartan as Brightwell opens hotline",
    byline="Tom Hadley", time="10:00", flags=("boilerplate",), body="""
Valley pharmacies say they have enough replacement stock to swap every bottle of losartan caught up in this week’s
Brightwell Pharmaceuticals recall, easing fears of a shortage of the common blood pressure drug.

[noise] Sign up for our free Health newsletter

The recall, which the FDA posted on Wednesday, covers 38 lots of the generic tablets. The company found the impurity
NDMA in routine tests at its Fairhaven plant and has said no illnesses have been reported.

Sentinel Drug in Millbrook exchanged 41 bottles on Thursday alone, according to pharmacy manager Owen Fitch. “People
come in holding the bottle like it’s radioactive,” Fitch said. “Most of them leave relieved.”

Brightwell chief executive Martin Greaves apologized to patients in a video statement on Thursday and said the
company would reimburse anyone charged a copay for a replacement. Patients can reach the company’s hotline seven days
a week.

Doctors continue to urge patients not to stop taking the medicine on their own, since uncontrolled blood pressure
carries a far greater risk than the small amount of the impurity.
""")

# --------------------------------------------------------------------------------------------------------------
# Story 6: the Coastal League Cup final (Saturday 2025-11-15)
# --------------------------------------------------------------------------------------------------------------
FINAL = "coastal-cup-final"

A34 = _article(
    "demo-34", FINAL, "Lakeport Gazette", "/sports/2025/11/16/salas-late-winner-coastal-cup", "2025-11-16", "txt",
    "lakeport-gazette-cup-final.txt", "Salas strikes late as Lakeport FC win first Coastal Cup in 23 years",
    byline="Ben Carrow", body="""
Diego Salas waited 88 minutes for his moment, and when it came he did not miss. The Lakeport FC forward met a low
cross from Kenji Morales at the near post on Saturday to beat Fairhaven City 2-1 and give the club its first Coastal
League Cup since 2002.

A crowd of 41,200 at Kestrel Field, the largest for a Cup final in the competition’s history, had watched Lakeport
let a first-half lead slip. Morales scored in the 31st minute with a curling shot from the edge of the box, but
Fairhaven’s Jamal Pryce equalized from the penalty spot in the 54th.

“I told the boys at half-time that the final is won in the last fifteen minutes,” Lakeport coach Maria Lindqvist
said. “They believed it. That’s the whole story.”

Lindqvist, in her second season, took off both central midfielders in the 70th minute and switched to three
forwards, a gamble that left her defense exposed but pinned Fairhaven back for the final 20 minutes.

Fairhaven coach Ron Beckett said his side had tired. “We gave everything and we ran out of legs,” he said.

The club said a victory parade will leave Union Street at noon on Tuesday.
""")

A35 = _article(
    "demo-35", FINAL, "Allied Newswire", "/sports/2025/11/15/lakeport-fc-edge-fairhaven-coastal-cup", "2025-11-15",
    "html", "allied-newswire-coastal-cup-final.html", "Lakeport FC edge Fairhaven 2-1 to lift Coastal League Cup",
    byline="Allied Newswire", time="23:00", body="""
LAKEPORT (AN) — Diego Salas scored in the 88th minute as Lakeport FC beat Fairhaven City 2-1 in the Coastal League
Cup final on Saturday, ending a 23-year wait for a major trophy.

Kenji Morales gave the hosts the lead in the 31st minute before Jamal Pryce converted a penalty for Fairhaven in the
54th, after Lakeport defender Theo Brandt was judged to have tripped him.

Salas, who joined from Port Sorrel in the summer for a club-record $3.5 million, turned in Morales’s cross from close
range to win it. He has now scored 19 goals in all competitions this season.

“It is the best night of my life,” Salas said. “This city waited so long. I just wanted to give them something.”

The attendance of 41,200 at Kestrel Field was a record for the final. Lakeport will play in the continental
champions tournament next spring.
""")

A36 = _article(
    "demo-36", FINAL, "KLPT News 7", "/sports/fans-flood-downtown-cup-win-parade-tuesday", "2025-11-16", "rss",
    "klpt7-news.rss", "Fans flood downtown after Cup win; parade set for Tuesday",
    time="15:30", section="Sports", byline="KLPT Sports",
    body="""
Thousands of Lakeport FC fans poured into downtown streets late Saturday after the club's 2-1 win over Fairhaven City
in the Coastal League Cup final.

Police said the celebrations were loud but mostly peaceful. Officers made three arrests for disorderly conduct near
Canal Street, Police Chief Annette Brooks told KLPT News 7.

About 42,000 fans filled Kestrel Field for the final, and thousands more watched on big screens in Harbor Park.
Diego Salas scored the winner two minutes from time.

"I've had a season ticket since I was twelve," said fan Carla Mendes, 35, her face painted blue and gold. "My dad
took me to the last final. He cried tonight."

The club and the city announced a victory parade for Tuesday at noon, starting on Union Street and ending at City
Hall, where Mayor Rosa Kettering will present the team with the key to the city.
""")

A37 = _article(
    "demo-37", FINAL, "The Valley Sentinel", "/sports/fairhaven-left-to-rue-missed-chances", "2025-11-16", "txt",
    "valley-sentinel-fairhaven-final.txt", "Fairhaven left to rue missed chances in Cup final", byline="Greg Tolliver",
    body="""
Fairhaven City had the better of the first hour in Saturday’s Coastal League Cup final and still went home without
the trophy.

Ron Beckett’s side hit the post twice before half-time and had a goal from striker Jamal Pryce ruled out for offside
in the 40th minute. Pryce did score from the penalty spot after the break to make it 1-1, but Lakeport FC found a
winner through Diego Salas with two minutes left.

“If you don’t take your chances in a final, you get punished,” Beckett said. “Lakeport kept going, and fair play to
them.”

The defeat ends a strong run for Fairhaven, who beat the league champions in the semi-final and had not lost in
eleven matches. Captain Will Osei said the dressing room was “silent” after the final whistle.

Beckett said he expected to keep his squad together for next season, though several clubs are reported to be
interested in Pryce, who has scored 16 goals this season.
""")

A38 = _article(
    "demo-38", FINAL, "Harbor Courier", "/sports/2025/11/17/lindqvist-gamble-how-lakeport-won-cup", "2025-11-17",
    "html", "harbor-courier-lindqvist-gamble.html", "Lindqvist’s gamble pays off: how Lakeport won the Cup",
    byline="Nate Fielding", time="09:00", body="""
For seventy minutes of Saturday’s Coastal League Cup final, Lakeport FC looked like a team settling for extra time.
Then Maria Lindqvist did something few coaches would risk in a final.

With the score 1-1, she replaced both defensive midfielders with forwards and moved Kenji Morales into the middle.
Lakeport had 11 shots in the last 20 minutes, compared with four in the previous 70, according to league statistics.

“The numbers told us Fairhaven were tired on the left side,” Lindqvist said on Sunday. “We decided to attack that
side until something broke.”

Something did. Morales found space on the left in the 88th minute and crossed for Diego Salas, whose finish gave
Lakeport a 2-1 win and its first Cup in 23 years.

Lindqvist was hired two years ago after a decade coaching in Sweden. Club president Arthur Vance called her “the best
decision this club has made in a generation” and said talks on a contract extension would start this week.
""")

A39 = _article(
    "demo-39", FINAL, "Tri-County Tribune", "/sports/coastal-cup-final-tv-audience-record", "2025-11-17", "warc",
    "lakeport-crawl.warc.gz", "Cup final draws record TV audience as Lakeport celebrates", byline="Ellen Varga",
    time="13:00", body="""
Saturday’s Coastal League Cup final between Lakeport FC and Fairhaven City was the most-watched club match in the
league’s history, broadcaster CoastSport said on Monday.

An average of 2.1 million viewers watched Lakeport’s 2-1 win, up 37 percent from last year’s final, the network said.
Viewing peaked at 3.4 million in the final ten minutes, when Diego Salas scored the winner.

Bars in Lakeport and Fairhaven reported their busiest night of the year. At the Anchor Tavern in Lakeport, owner
Sam Whitlow said he sold out of beer by the 80th minute. “I’ve never seen anything like it, not even for the playoffs,”
he said.

League commissioner Diane Kerr said the ratings showed the growth of the game in the region and that the league would
consider moving next year’s final to a prime-time slot.

The team’s victory parade is scheduled for Tuesday at noon.
""")

A25["encoding"] = "iso-8859-1"  # a Spanish site still serving Latin-1 (declared in the HTTP header and meta tag)
A37["encoding"] = "cp1252"  # a text file saved on Windows: curly quotes as single cp1252 bytes
A31["description_only"] = True  # its feed item has no content:encoded: the text is in <description>

ARTICLES: list[Article] = [
    A01, A02, A03, A04, A05, A06, A07, A08, A09, A10, A11, A12, A13, A14, A15, A16, A17, A18, A19, A20,
    A21, A22, A23, A24, A25, A26, A27, A28, A29, A30, A31, A32, A33, A34, A35, A36, A37, A38, A39, A40,
]


def _resolve_references(articles: list[Article]) -> None:
    """Fill the paragraphs a stitched page takes from other articles, and record where they came from."""
    by_id = {a["id"]: a for a in articles}
    for art in articles:
        for index, source_id, source_paragraph in art["references"]:
            art["paragraphs"][index] = by_id[source_id]["paragraphs"][source_paragraph]


_resolve_references(ARTICLES)
