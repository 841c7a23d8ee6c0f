"""Words too common to search on or to define: the search analyzer drops them, the glossary may not claim them.

Kept apart from search_analysis (which imports Whoosh) so `csops validate` can read them without loading Whoosh.
"""

# Whoosh's stop list plus the question words readers type ("what do I do when…"): they match everywhere.
STOP_WORDS = frozenset("""
a about after again all also am an and any are as at be because been before being but by can could did do does
doing done for from get gets got had has have having he her here him his how i if in into is it its just me might
more most much my need needs no nor not now of off on once one only or other our out over own same she should so
some still such than that the their them then there these they this those through to too under until up us very
was we were what when where which while who whom why will with would yet you your tbd should
although though even whether however unless else ever either neither since per via upon onto within without
whose whatever whenever wherever
""".split())

# Words a ticket is written in but not about: greetings, courtesy, hedges and contractions. Rare in the content,
# they outscored its topic by rarity alone ("honestly", "please" and "considering" ranked above "cancel"; 正直
# above 解約). Left out of a ticket's words only (search.suggest_for_ticket), never out of a search.
TICKET_FILLER = frozenset("""
hi hello hey dear thanks thank thx cheers regards sincerely please pls kindly sorry apologies apologize
honestly frankly really actually basically literally just maybe perhaps probably definitely certainly quite pretty
somewhat bit wondering wonder wondered considering consider considered hoping hope quick asap fyi btw
hasn't haven't isn't aren't don't doesn't didn't can't cannot won't wouldn't couldn't shouldn't wasn't weren't
i'm i've i'd i'll we're we've we'd we'll they're they've they'd you're you've it's that's there's let's
お世話になっております よろしくお願いいたします よろしくお願いします 恐れ入りますが 申し訳ございません 正直 実は 取り急ぎ 何卒
""".split())
