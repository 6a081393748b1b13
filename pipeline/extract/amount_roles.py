"""Roles of the amounts of an article: a range, a total or envelope, a per-item figure, or one project's amount.

Only a project's amount (and a per-item figure, for list items) is ever given to a project; an
amount spent ("a consommé 3,2 M€ des 5 M€ accordés") is its own role, never the award."""

from __future__ import annotations


from pipeline.extract import lexicon
from pipeline.extract.segment import Sentence


def amount_roles(text: str, folded: str, sents: list[Sentence], amounts: list, lex: lexicon.Lexicon) -> dict[int, str]:
    roles: dict[int, str] = {}
    cues = lexicon.cues()
    for i, a in enumerate(amounts):
        if a.range_high is not None:
            roles[i] = "range"
            continue
        if a.each:
            roles[i] = "each"
            continue
        if a.value >= lex.programme_scale:
            roles[i] = "total"
            continue
        sent = next((s for s in sents if s.start <= a.start < s.end), None)
        lo, hi = (sent.start, sent.end) if sent else (max(0, a.start - 120), min(len(text), a.end + 120))
        # the clause: between the nearest strong separators around the amount
        left = max(folded.rfind(sep, lo, a.start) for sep in (";", ":", " dont ", "(", " - ", " – ", ", "))
        left = lo if left < 0 else left
        # a purpose clause ends the amount's clause too: in "l'État verse N afin que le budget
        # tienne", the budget is the purpose, not a total the amount belongs to
        right_candidates = [folded.find(sep, a.end, hi) for sep in (";", ",", ")", " - ", " – ", " dont ", " et ",
                                                                    " pour que ", " afin que ")]
        right = min([r for r in right_candidates if r >= 0], default=hi)
        before, after = folded[left:a.start], folded[a.end:right]
        near_after = folded[a.end:min(hi, a.end + 40)]
        near_before = folded[max(lo, a.start - 80):a.start]
        # "trois projets : A (1 M€), B (2 M€)": a count before a colon introduces the list, the
        # amounts after it are the items'
        near_before = near_before[max(near_before.rfind(":"), near_before.rfind(";")) + 1:]
        found = list(lex.total_cue.finditer(before[-60:])) + list(lex.total_cue.finditer(after[:60]))
        cue = found[0] if found else None
        if cues.spent_before_amount.search(near_before[-50:]):
            roles[i] = "spent"  # "n'a consommé que 3,2 M€": what was spent, not what was granted
        elif folded[max(lo, a.start - 6):a.start].rstrip().endswith("dont") and cues.share_after_dont.match(folded, a.end, hi):
            roles[i] = "project"  # "…, dont 4,5 M€ pour la cité administrative de X": one recipient's share
        elif cues.shares_follow.match(folded, a.end, hi) and not cues.aid_form_shares.match(folded, a.end, hi):
            roles[i] = "total"  # "100 M€ pour les bâtiments, dont 4,5 M€ pour X": the whole the shares come from
        elif (found and all(lex.one_recipient_frame.fullmatch(m.group(0)) for m in found)
                and lex.funding_verb.search(near_before[-40:]) and not lex.count.search(near_before)):
            roles[i] = "project"  # "le CH de X obtient 7 M€ au titre du Ségur": the frame, not a total
        elif cue and cue.group(0) == "enveloppe" and cues.envelope_for_one.match(folded[a.end:hi]):
            roles[i] = "project"  # "une enveloppe de 3 M€ destinée à la rénovation du lycée X"
        elif cue:
            roles[i] = "total"
        elif lex.count.search(after[:45]) or lex.count.search(near_after) or lex.count.search(near_before):
            roles[i] = "total"
        elif cues.funds_several_after.search(folded, a.end, min(hi, a.end + 160)):
            roles[i] = "total"
        elif cues.fund_endowment_before.search(before[-60:]):
            roles[i] = "total"
        else:
            roles[i] = "project"
    return roles
