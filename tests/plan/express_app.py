"""A small Express-style web app in a real git repository: routes, middleware and tests.

It is the planning fixture: the goal "migrate the backend from Express to Fastify" must
find the files that import express, the manifest that declares it, and their importers.
``node_modules`` exists on disk but is ignored by git, as in a real checkout.
"""

from __future__ import annotations

import json
from pathlib import Path

from kairos_ci.git import Git

GOAL = (
    "Migrate the backend from Express to Fastify, keeping every test passing "
    "and the API compatible."
)

PACKAGE = {
    "name": "shop",
    "version": "1.0.0",
    "scripts": {"start": "node src/server.js", "test": "mocha", "lint": "eslint ."},
    "dependencies": {"express": "^4.19.2", "cors": "^2.8.5"},
    "devDependencies": {"mocha": "^10.4.0", "supertest": "^7.0.0"},
}

FILES = {
    ".gitignore": "node_modules/\ncoverage/\n",
    "package.json": json.dumps(PACKAGE, indent=2) + "\n",
    "package-lock.json": '{"lockfileVersion": 3}\n',
    "README.md": "# Shop\n\nAn Express app. Run `npm start`.\n",
    "src/server.js": (
        "const { createApp } = require('./app');\n\n"
        "const app = createApp();\n"
        "app.listen(process.env.PORT || 3000);\n"
    ),
    "src/app.js": (
        "const express = require('express');\n"
        "const cors = require('cors');\n"
        "const { logRequests } = require('./middleware/logging');\n"
        "const { requireUser } = require('./middleware/auth');\n"
        "const usersRouter = require('./routes/users');\n"
        "const ordersRouter = require('./routes/orders');\n\n"
        "// express() is the app; app.use mounts middleware in order.\n"
        "function createApp() {\n"
        "  const app = express();\n"
        "  app.use(express.json());\n"
        "  app.use(cors());\n"
        "  app.use(logRequests);\n"
        "  app.use('/users', requireUser, usersRouter);\n"
        "  app.use('/orders', ordersRouter);\n"
        "  app.use(errorHandler);\n"
        "  return app;\n"
        "}\n\n"
        "function errorHandler(err, req, res, next) {\n"
        "  res.status(500).json({ error: err.message });\n"
        "}\n\n"
        "module.exports = { createApp };\n"
    ),
    "src/middleware/logging.js": (
        "function logRequests(req, res, next) {\n"
        "  console.log(`${req.method} ${req.url}`);\n"
        "  next();\n"
        "}\n\n"
        "module.exports = { logRequests };\n"
    ),
    "src/middleware/auth.js": (
        "function requireUser(req, res, next) {\n"
        "  if (!req.get('x-user')) return res.status(401).json({ error: 'no user' });\n"
        "  next();\n"
        "}\n\n"
        "module.exports = { requireUser };\n"
    ),
    "src/routes/users.js": (
        "const express = require('express');\n"
        "const { Store } = require('../services/store');\n\n"
        "const router = express.Router();\n"
        "const users = new Store();\n\n"
        "router.get('/', (req, res) => res.json(users.all()));\n"
        "router.post('/', (req, res) => res.status(201).json(users.add(req.body)));\n\n"
        "module.exports = router;\n"
    ),
    "src/routes/orders.js": (
        "const { Router } = require('express');\n"
        "const { Store } = require('../services/store');\n\n"
        "const router = Router();\n"
        "const orders = new Store();\n\n"
        "router.get('/', (req, res) => res.json(orders.all()));\n\n"
        "module.exports = router;\n"
    ),
    "src/services/store.js": (
        "class Store {\n"
        "  constructor() { this.items = []; }\n"
        "  all() { return this.items; }\n"
        "  add(item) { this.items.push(item); return item; }\n"
        "}\n\n"
        "module.exports = { Store };\n"
    ),
    "test/app.test.js": (
        "const request = require('supertest');\n"
        "const { createApp } = require('../src/app');\n\n"
        "describe('app', () => {\n"
        "  it('lists orders', () => request(createApp()).get('/orders').expect(200));\n"
        "  it('asks for a user', () => request(createApp()).get('/users').expect(401));\n"
        "});\n"
    ),
    "test/store.test.js": (
        "const assert = require('assert');\n"
        "const { Store } = require('../src/services/store');\n\n"
        "describe('store', () => {\n"
        "  it('adds', () => assert.deepStrictEqual(new Store().add(1), 1));\n"
        "});\n"
    ),
    ".github/workflows/ci.yml": (
        "on: push\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: |\n"
        "          npm ci\n"
        "          npm test -- --reporter ${{ matrix.reporter }}\n"
        "          npx mocha --reporter dot\n"
        "      - run: npm run lint\n"
    ),
}

# What impact analysis must find for GOAL, and why.
IMPACTED = {
    "src/app.js": 0,
    "src/routes/users.js": 0,
    "src/routes/orders.js": 0,
    "package.json": 0,
    "src/server.js": 1,
    "test/app.test.js": 1,
}


def build_express_app(root: Path) -> Git:
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    ignored = root / "node_modules" / "express" / "index.js"
    ignored.parent.mkdir(parents=True)
    ignored.write_text("module.exports = function express() {};\n")
    git = Git(root)
    git.run("init", "-q", "-b", "main")
    git.run("add", "--all")
    git.run("commit", "-q", "-m", "shop")
    return git


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but .git, with its bytes: to prove nothing was written."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }
