// Every blob the graph still points at (any tenant): garbage collection keeps these (src/artifacts/artifact-gc.ts).
MATCH (a:Artifact)
WHERE a.sha256 IS NOT NULL
RETURN DISTINCT a.sha256 AS sha256
