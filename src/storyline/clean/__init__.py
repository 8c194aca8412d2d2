"""The clean stage: furniture removed, captions, subheads and off-topic paragraphs flagged, bylines and
datelines read, before an article is stored.

- :mod:`.cleaner`: the cleaner itself (:func:`clean_article`) and the parse-aware caption flags;
- :mod:`.boilerplate`: what page furniture looks like (interface lines, links, credits, legal notices);
- :mod:`.offtopic`: paragraphs about something else (a football item in a politics story);
- :mod:`.bylines`: bylines, datelines and date lines read from the text.
"""

from .cleaner import clean_article, clean_articles, clean_with_log, flag_parsed_captions, tidy

__all__ = ["clean_article", "clean_articles", "clean_with_log", "flag_parsed_captions", "tidy"]
