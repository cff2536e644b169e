"""psycollm: an open, bilingual psychological-counseling LLM system.

    make run                      # the app on the embedded model
    psycollm --help               # the command line

The architecture reads from the tree: `backends/` (model clients), `retrieval/` (knowledge base),
`safety/` (crisis screen, output screen), `chat.py` (one counseling turn), `store/` (SQL),
`ui/` (Gradio tabs), `cli.py`; `training/` and `eval/` sit beside the package and use it.
"""

__version__ = "0.1.0"
