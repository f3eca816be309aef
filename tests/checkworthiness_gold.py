"""Hand-made gold for the seed articles: the sentences a careful fact-checker would mark.

How it was made: each seed was read in full (after cleaning) and every sentence that states a
checkable fact about the events was marked: troop deployments and figures, confirmations and
denials by named parties, captures, treaties, battlefield claims. Left out: opinion and
analysis without a checkable core ("adds another layer of complexity"), newsletter and photo
credit lines, and quotes that only express sentiment. A fragment identifies each sentence.
"""

GOLD: dict[str, list[str]] = {
    "000_55fbd0b8b09ef2b8.txt": [
        "China has refused to comment after both Moscow and Pyongyang confirmed",
        "Earlier on April 28, North Korea confirmed for the first time that it sent troops",
        "Russia confirmed it on April 26 for the first time",
        "the remaining Ukrainian troops in the Kursk region would",
        "President Volodymyr Zelensky said fighting in Kursk Oblast is ongoing",
        "Earlier this month, Ukrainian forces captured two Chinese nationals",
        "Chinese nationals were fighting on Russia's side",
        "China has denied any direct involvement in the war",
    ],
    "001_c2ed4b80ef03a61d.txt": [
        "North Korea on Monday, for the first time, confirmed it had sent troops",
        "Pyongyang's military claimed its soldiers helped Russian forces",
        "praised the role that North Korean troops played",
        "Putin has claimed that his country has regained control of Kursk",
        "Ukraine has denied the claim",
        "Kim signed the mutual Treaty on Comprehensive Strategic Partnership",
        "the US State Department said in a statement on Sunday evening",
    ],
    "002_fb0386c246d34551.txt": [
        "Ukraine claimed it captured two Chinese citizens",
        "Apparently Ukrainian troops clashed with six Chinese soldiers in total",
        "Russia previously recruited 12,000 soldiers from North Korea",
        "Ukrainian forces still captured two of North Korean troops in January",
        "troops fighting for Russia was “totally unfounded”",
    ],
    "003_dd5b3017764dde3b.txt": [
        "North Korean state media confirmed for the first time",
        "The Korean Central News Agency (KCNA) reported that North Korean forces helped",
        "Military analysts estimate that Pyongyang sent roughly 11,000 troops",
        "Ukraine’s military has disputed Russia’s claim of full control",
        "Ukrainian Special Operations Forces recently reported eliminating a North Korean unit",
    ],
    "004_0f0b7a973314e5e6.txt": [
        "North Korea has finally confirmed that they are taking part",
        "The commission stated that the deployment was ordered directly",
        "Valery Gerasimov reported to President Vladimir Putin",
        "Ukraine’s General Staff stated that defensive operations",
        "reported that Pyongyang had dispatched approximately 1,500",
        "Ukrainian forces captured two North Korean soldiers in Kursk",
    ],
}
