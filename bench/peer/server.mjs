// The peer: @neo4j/graphql 7 on plain node http, over Bolt to the bench's graph.
// usage: node server.mjs PORT BOLT_URI USER PASSWORD DATABASE TYPEDEFS_FILE
import { readFileSync } from "node:fs";
import http from "node:http";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { graphql } from "graphql";
import neo4j from "neo4j-driver";

const [port, uri, user, password, database, typeDefsFile] = process.argv.slice(2);
const driver = neo4j.driver(uri, neo4j.auth.basic(user, password), { maxConnectionPoolSize: 50 });
const schema = await new Neo4jGraphQL({ typeDefs: readFileSync(typeDefsFile, "utf8"), driver }).getSchema();
// ArcadeDB refuses the "CYPHER 5" prefix the library puts before every statement by default
const context = { cypherQueryOptions: { addVersionPrefix: false }, sessionConfig: { database } };

http
  .createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", async () => {
      let answer;
      try {
        const { query, variables } = JSON.parse(body || "{}");
        answer = await graphql({ schema, source: query ?? "{ __typename }", variableValues: variables, contextValue: { ...context } });
      } catch (error) {
        answer = { errors: [{ message: String(error) }] };
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(answer));
    });
  })
  .listen(Number(port), "127.0.0.1", () => console.log(`peer listening on 127.0.0.1:${port}`));
