"""Customer analytics (below marketing): the maths first; models and pages come later."""
