"""Word lists the router reads: words that are never names, intent keywords, and cue words.

A token that is in none of these lists and does not match a person is what a name looks like,
so the lists are generous: a missing common word can only turn into "I don't know <word>",
never into a wrong person, because names are matched against the people the requester may see.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SELF_WORDS = frozenset({"me", "my", "myself", "i", "mine", "i'm", "i've", "i'd", "i'll", "im"})
"""Words for the requester."""

PRONOUNS = frozenset(
    {"him", "her", "them", "his", "hers", "their", "he", "she", "they", "he's", "she's", "they're"}
)
"""Third-person words that point at the last subject."""

POSSESSIVE_PRONOUNS = frozenset({"his", "her", "their"})
"""Pronouns that own what follows ("her manager")."""

RELATION_WORDS = _words(
    """
    manager managers boss bosses lead leads team teams report reports colleague colleagues
    peer peers
    """
)
"""Words for someone related to a person: after a possessive they name that someone else."""

RELATION_QUALIFIERS = frozenset({"direct", "line"})
"""Words that may stand between a possessive and its relation word ("Dana's line manager")."""

NAME_CUES = frozenset(
    {"for", "with", "about", "to", "of", "on", "at", "and", "w", "do", "re", "regarding", "from"}
)
"""Words after which an unknown capitalised or lower-case word is read as a name."""

INTENT_WORDS = _words(
    """
    prep prepare preparing prepped prepping ready agenda talking points talk discuss discussing
    raise bring cover pointers topics oneonone catchup checkin sync meeting meetings chat
    review reviews draft drafting write writing performance perf appraisal evaluation evaluate
    annual writeup start selfevaluation selfassessment selfreview selfappraisal selfeval
    assessment assess own goals goal objectives objective okrs okr targets target aim aims
    towards smart suggest propose ideas stretch development develop set assign enrol enroll
    module modules course courses lesson lessons training microlearning learning recommend
    send give take put skills skill gap gaps competencies competency weak weakest weakness
    weaknesses strength strengths missing build analysis compare role profile promotion
    promote promoted promo readiness level senior move close data information info store
    stored know knowledge use using track tracking hold keep privacy personal records record
    accessed access looked viewed seen read who dispute disagree contest challenge appeal
    object objection wrong incorrect unfair inaccurate biased agree suggestion recommendation
    log logged notes note outcome summary recap done finished completed wrapped met had help
    commands command hello hi hey thanks thank
    """
)
"""Keywords of the intents; misspelt words are corrected towards these."""

COMMON_WORDS = _words(
    """
    a an the this that these those it its it's is are was were be been being am do does did
    doing done have has having had will would shall should can could may might must need needs
    not no yes ok okay okey sure please pls plz thx ty cheers so and or but if then than too
    also just only very really quite bit lot lots more most less least much many some any
    every each all both either neither none few several other another such same own again
    what what's whats which who who's whom whose when where where's why how how's whether
    there there's here here's we we're we'll we've us our ours you you're your yours u ur
    it'll it'd that's that'll let let's lets don't dont doesn't didn't can't cant won't isn't
    aren't wasn't weren't haven't hasn't hadn't shouldn't couldn't wouldn't he'll she'll
    they'll they've we'd you'd you've you'll i'd
    in on at by for with about to from of into onto over under up down out off through
    between among around across after before during until since via per vs versus against
    without within along behind beyond near next last first second third new old now today
    tonight tomorrow yesterday soon later earlier early late week weeks weekly month months
    monthly year years yearly quarter quarters quarterly half day days daily morning
    afternoon evening night time times hour hours minute minutes moment cycle period season
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri
    january february march april june july august september october november december jan
    feb mar apr jun jul aug sep sept oct nov dec mid end year-end midyear
    get got getting go going goes went gone make makes made making see look looking show
    shows showed tell told ask asked want wants wanted like would've need needed try trying
    think thought feel felt say said says work works worked working help helps helped let
    find found give given gave keep kept leave left come came coming bring brought run
    running check checking plan planned planning prepared wrote written create created open
    lead leads led mentor mentoring pair pairing shadow shadows moved move moving agreed
    discussed settle settling settled wants needs support supported own ownership release
    ticket tickets code design deadline deadlines project projects blocker blockers track
    going well good great fine nice bad better best worse worst poor strong clear quick
    happy unhappy right left true false real actual main key big small high low full part
    hr team teams group people person everyone everybody someone somebody anyone anybody
    anything something nothing everything one two three four five six seven eight nine ten
    report reports direct manager managers employee employees colleague colleagues staff
    engineer engineers member members lead leader boss company org organisation organization
    thing things stuff way ways kind sort type case point points idea word words question
    questions answer answers message messages thread channel bot tandem assistant coach
    coaching feedback process page list item items number numbers result results overview
    bit while since because though although however anyway maybe perhaps probably likely
    definitely actually basically just really already still yet ever never always often
    sometimes usually again else instead rather enough almost around approximately
    dear hi hello hey morning yo greetings thanks thank cheers bye goodbye sorry excuse
    weather joke jokes capital city country news sport music movie food lunch coffee
    flag raise raised concern concerns issue issues problem problems fix fixed change
    changed update updated improve improved improvement progress status history today's
    mine yours theirs ours his hers tho gonna wanna gotta kinda
    together apart tmrw tmr tmw tomorow tomoz asap eod eow fyi btw imo lol pm am ish
    fill filled complete sign signed kindly possibly quickly briefly soon-ish shortly
    promotable complain complaint untrue false mistaken mistake misleading true
    brief briefing debrief approach approaching handle handling given recent recently dip
    dipping drop dropped struggling struggle struggles happy sad tired stressed busy
    went go goes doing done improve improving grow growing growth career plan plans
    area areas short fall falls fell lacking lack lacks expectations expectation level
    levels step steps bigger smaller larger advance advancing advancement ready
    say ask mention focus focusing expect expected expecting wait waiting wake sleep
    stand standup standups pairing reviewed reviewing ownership responsibility
    question opinion view views thoughts thought comments comment summary summarise
    summarize explain explanation reason reasons why because since detail details
    support supporting mentor mentoring coaching session sessions call calls quick
    everyone's someone's tomorrow's today's yesterday's week's month's year's team's
    hi hiya howdy ahoy heya sup menu options option settings start stop cancel quit exit
    reset undo back home info about faq gdpr access request requests protection subject
    like love hate want wish hope mind care matter matters worry worried concern
    usual typical normal regular standard current previous upcoming following latest
    first second next final main other own whole entire overall general specific
    everything anything nothing something each per few lot plenty total average
    answer reply respond write read watch listen hear speak talk talks talking spoke
    lately recently currently generally honestly finally hopefully ideally especially
    mostly personally properly clearly regularly certainly exactly simply seriously
    urgently pts speed peer peers line
    """
)
"""Everyday words that are never taken for names."""

GIVEN_NAME_WORDS = _words(
    """
    will mark rose grace amber joy hope faith bill pat sue ray jack frank june april may
    summer dawn daisy holly ivy lily iris ruby pearl sky river art drew chase grant lance
    miles rich rob sandy wade bob don gene guy jean max hunter jay dean carol penny robin
    sunny cliff glen reed victor august autumn angel star crystal harmony honey misty
    """
)
"""Everyday words that are also given names: before a surname they are part of a name."""

SURNAME_WORDS = _words(
    """
    white green brown black gray grey young king long short little small hill wood woods
    stone price cook baker miller smith taylor carter walker turner hunter bishop knight
    page rich bond banks fox wolf bell hall lane ford grant may moore morgan rose waters
    summers winter frost snow rice fields rivers park parks best good love strong sharp
    wise west north south east marsh brook brooks mills wells house church chase case
    """
)
"""Everyday words that are also surnames: after a given name they are part of a name."""

NOT_NAME_PARTS = _words(
    """
    today tonight tomorrow yesterday monday tuesday wednesday thursday friday saturday
    sunday please pls thanks thank now then too again
    """
)
"""Words never joined to a name, even when capitalised next to one."""

NEVER_NAMES = COMMON_WORDS | INTENT_WORDS | SELF_WORDS | PRONOUNS | NAME_CUES
"""Everything the name finder skips, unless it is capitalised after a cue (see names)."""

CORRECTION_TARGETS = INTENT_WORDS | frozenset(
    {"with", "about", "know", "what", "suggest", "disagree", "difficult", "management"}
)
"""Words a misspelt token may be corrected to (module title words are added per call)."""
