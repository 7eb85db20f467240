"""Small committed repositories for the survey tests."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.git import Git


def committed(root: Path, files: dict[str, str]) -> Git:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git = Git(root)
    git.run("init", "-q", "-b", "main")
    git.run("add", "--all")
    git.run("commit", "-q", "-m", "base")
    return git


PYTHON_PROJECT = {
    "pyproject.toml": (
        '[project]\nname = "shop"\ndependencies = ["Flask>=3"]\n[tool.pytest.ini_options]\n'
    ),
    "src/shop/__init__.py": "",
    "src/shop/config.py": "def load_config(path):\n    return {}\n",
    "src/shop/app.py": (
        "from flask import Flask\n"
        "from .config import load_config\n"
        "from . import views\n\n"
        "def create_app():\n"
        "    app = Flask(__name__)\n"
        "    app.config.update(load_config('x'))\n"
        "    return app\n"
    ),
    "src/shop/views.py": "import flask\n\ndef index():\n    return flask.jsonify([])\n",
    "src/shop/cli.py": "import shop.app\n\ndef main():\n    shop.app.create_app().run()\n",
    "tests/test_app.py": (
        "from shop.app import create_app\n"
        "from shop.config import load_config\n\n"
        "def test_app():\n    assert create_app()\n\n"
        "def test_config():\n    assert load_config('p') == {}\n"
    ),
}
