"""Language helpers every stage shares, written once and owned by no stage.

- :mod:`.parser`: the spaCy pipeline (loaded once per run), parsing, stored docs read back, sentence spans.
- :mod:`.words`: content terms, the light stemmer, stop words, numbers written as words.
- :mod:`.unionfind`: connected components of a pair graph.
"""
