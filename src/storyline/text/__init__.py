"""Language helpers every stage shares, written once and owned by no stage.

- :mod:`.parser`: the spaCy pipeline (loaded once per run), parsing, stored docs read back, sentence spans;
- :mod:`.words`: content terms, the light stemmer, stop words, numbers written as words;
- :mod:`.similarity`: cosine, Dice and Jaccard of bags and sets of words;
- :mod:`.datelines`: wire datelines ("LIMA (Wire) - ");
- :mod:`.fingerprint`: the content hash (what two copies must share to be the same content);
- :mod:`.lexicon`: the word lists that must exist, read from data files in ``lexicons/`` that say where their
  entries come from;
- :mod:`.speech`: the speech verbs in every written form, for matching text where no parse is at hand;
- :mod:`.unionfind`: connected components of a pair graph.
- :mod:`.verbs`: the written forms of verb lemmas ("said", "says" of "say") where the parse has no lemma.
"""
