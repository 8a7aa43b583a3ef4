from pathlib import Path

CWD = Path(__file__).parent

recipes_markdown = CWD / "recipes.md"
