import os
from flask import Flask
from fastapi import FastAPI

app = Flask(__name__)
# ruleid: code-debug-enabled
api = FastAPI(debug=True)
# ruleid: code-debug-enabled
app.debug = True

if __name__ == "__main__":
    # ruleid: code-debug-enabled
    app.run(host="0.0.0.0", debug=True)
    # ok: code-debug-enabled
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
    # ok: code-debug-enabled
    app.run(debug=False)
    # ok: code-debug-enabled
    logger.run(debug=True)
