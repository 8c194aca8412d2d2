"""The clean stage: furniture removed, captions, subheads and off-topic paragraphs flagged, bylines and
datelines read, before an article is stored; then, once the nlp stage has parsed it, the captions only a parse
tells apart (the ``captions`` step, before dedupe reads the flags).

- :mod:`.cleaner`: the cleaner itself (:func:`clean_article`), run at ingest;
- :mod:`.captions`: the parse-aware caption flags (:func:`flag_parsed_captions`) and their pipeline step
  (:func:`flag_captions`), run between the nlp stage and dedupe;
- :mod:`.boilerplate`: what page furniture looks like (interface lines, links, credits, legal notices);
- :mod:`.offtopic`: paragraphs about something else (a football item in a politics story);
- :mod:`.bylines`: bylines, datelines and date lines read from the text.
"""

from .captions import flag_parsed_captions
from .captions import run as flag_captions
from .cleaner import clean_article, clean_articles, clean_with_log, tidy

__all__ = ["clean_article", "clean_articles", "clean_with_log", "flag_captions", "flag_parsed_captions", "tidy"]
