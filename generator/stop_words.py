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
