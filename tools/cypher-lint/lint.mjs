// Neo4j's own Cypher analysis over the statements the registry sends (see CONTRIBUTING.md, "Cypher").
// Usage: node lint.mjs <node_modules folder holding @neo4j-cypher/language-support> [version] < statements.json
// (version: "CYPHER 5" or "CYPHER 25", default both; the suite runs one process per version, one per core)
// Input: {"statements": [{"text": "...", "parameters": ["name", ...]}], "propertyKeys": ["...", ...]}
// Output (stdout): {"vocabulary": {...}, "diagnostics": [{statement, version, severity, message, excerpt}]}
//
// The vocabulary (dbSchema.labels / relationshipTypes / propertyKeys) is what the statements themselves write:
// labels and relationship types in CREATE / MERGE and in migrations' constraints and indexes, properties set
// in CREATE / MERGE / SET, plus the keys of the maps the suite passed as parameters (`SET n += $props`).
// A read of anything else (a misspelt label or property) is a warning.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';

const modules = process.argv[2];
const root = path.join(modules, '@neo4j-cypher', 'language-support', 'dist', 'esm', 'project', 'language-support', 'src');
const { lintCypherQuery, highlightSyntax } = await import(pathToFileURL(path.join(root, 'index.js')));
// not re-exported from index.js: the parse that tells written properties from read ones (version pinned)
const { createParsingResult } = await import(pathToFileURL(path.join(root, 'cypherLanguageService.js')));

const input = JSON.parse(readFileSync(0, 'utf8'));
const statements = input.statements;
const labels = new Set();
const relationshipTypes = new Set();
const propertyKeys = new Set(input.propertyKeys);
const RELATIONSHIP_TYPE = /^[A-Z][A-Z0-9_]*$/; // the project's spelling: UPPER_SNAKE types, PascalCase labels

for (const { text } of statements) {
  const parsed = createParsingResult(text, { consoleCommandsEnabled: false }).statementsParsing;
  const read = new Set(parsed.flatMap((s) => s.collectedLabelOrRelTypes.map((l) => l.offsets.start)));
  for (const token of highlightSyntax(text)) {
    if (token.tokenType === 'label' && !read.has(token.position.startOffset)) {
      (RELATIONSHIP_TYPE.test(token.token) ? relationshipTypes : labels).add(token.token.replace(/^`|`$/g, ''));
    }
  }
  for (const property of parsed.flatMap((s) => s.collectedProperties)) {
    if (property.type === 'write') propertyKeys.add(property.propertyName);
  }
  // a migration's constraint or index names the properties it is about: they belong to the vocabulary
  if (/^\s*CREATE\s+(\w+\s+)?(CONSTRAINT|INDEX)\b/i.test(text)) {
    for (const token of highlightSyntax(text)) if (token.tokenType === 'property') propertyKeys.add(token.token);
  }
}

const diagnostics = [];
const versions = process.argv[3] ? [process.argv[3]] : ['CYPHER 5', 'CYPHER 25'];
for (const version of versions) {
  statements.forEach(({ text, parameters }, index) => {
    const dbSchema = {
      labels: [...labels],
      relationshipTypes: [...relationshipTypes],
      propertyKeys: [...propertyKeys],
      parameters: Object.fromEntries(parameters.map((name) => [name, null])),
      defaultLanguage: version,
    };
    for (const d of lintCypherQuery(text, dbSchema).diagnostics) {
      diagnostics.push({
        statement: index,
        version,
        severity: d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : 'information',
        message: d.message,
        excerpt: text.slice(d.offsets.start, d.offsets.end),
      });
    }
  });
}
const vocabulary = { labels: [...labels].sort(), relationshipTypes: [...relationshipTypes].sort(), propertyKeys: [...propertyKeys].sort() };
process.stdout.write(JSON.stringify({ vocabulary, diagnostics }));
