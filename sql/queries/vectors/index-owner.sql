-- $1 tenant, $2 root: the embedder that owns the index of a root, if it has one.
SELECT embedder, dimensions FROM vector_indexes WHERE tenant = $1 AND root = $2
