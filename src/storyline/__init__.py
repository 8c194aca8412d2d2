"""storyline: turn a pile of news articles from many outlets into the stories they tell."""

from .config import Settings
from .errors import StorylineError
from .model import SCHEMA, Article, Paragraph, Story, Storyline
from .store import Store

__version__ = "0.1.0"

__all__ = ["SCHEMA", "Article", "Paragraph", "Settings", "Store", "Story", "Storyline", "StorylineError", "__version__"]
