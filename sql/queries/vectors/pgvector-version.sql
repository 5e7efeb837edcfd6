-- The installed pgvector: 0.8 and later can widen a filtered HNSW scan (hnsw.iterative_scan).
SELECT extversion AS version FROM pg_extension WHERE extname = 'vector'
