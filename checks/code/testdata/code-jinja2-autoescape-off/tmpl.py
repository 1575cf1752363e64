import jinja2
from jinja2 import Environment, FileSystemLoader, select_autoescape

# ruleid: code-jinja2-autoescape-off
env = Environment(loader=FileSystemLoader("templates"), autoescape=False)
# ruleid: code-jinja2-autoescape-off
env2 = jinja2.Environment(autoescape=False)
# ruleid: code-jinja2-autoescape-off
t = jinja2.Template("<p>{{ x }}</p>", autoescape=False)
# ok: code-jinja2-autoescape-off
env3 = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())
# ok: code-jinja2-autoescape-off
env4 = Environment(autoescape=True)
# ok: code-jinja2-autoescape-off
other = Template("x", autoescape=False)
