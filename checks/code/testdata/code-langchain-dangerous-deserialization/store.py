from langchain_community.vectorstores import FAISS

# ruleid: code-langchain-dangerous-deserialization
db = FAISS.load_local("index", embeddings, allow_dangerous_deserialization=True)
# ruleid: code-langchain-dangerous-deserialization
db2 = FAISS.load_local(
    "index",
    embeddings,
    allow_dangerous_deserialization=True,
)
# ruleid: code-langchain-dangerous-deserialization
retriever = load_retriever(path, allow_dangerous_deserialization=True)
# ok: code-langchain-dangerous-deserialization
db3 = FAISS.from_documents(docs, embeddings)
# ok: code-langchain-dangerous-deserialization
db4 = FAISS.load_local("index", embeddings)
# ok: code-langchain-dangerous-deserialization
db5 = FAISS.load_local("index", embeddings, allow_dangerous_deserialization=False)
