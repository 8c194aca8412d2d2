"""The stories stage: articles into stories (time-aware online clustering with a repair pass, or one batch
recluster), and stories into storylines.

- :mod:`.stage`: the stage functions (:func:`run`, :func:`recluster`) and the stored state they keep;
- :mod:`.features`: what an article is compared by (terms, names, day) and the similarity of two;
- :mod:`.cluster`: the online clusterer and its repair pass;
- :mod:`.storylines`: stories linked into storylines;
- :mod:`.identity`: ids kept through merges, splits and reclusters, and their history;
- :mod:`.why`: why an article is in its story, what kept two stories apart (``storyline why``);
- :mod:`.changes`: what a story gained since a time (``storyline new``);
- :mod:`.embed`: optional dense embeddings (the ``storyline[embed]`` extra).
"""

from .stage import clean_title, filter_stories, recluster, run

__all__ = ["clean_title", "filter_stories", "recluster", "run"]
