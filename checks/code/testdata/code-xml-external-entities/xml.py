from lxml import etree
import xml.sax
from xml.sax.handler import feature_external_ges

# ruleid: code-xml-external-entities
parser = etree.XMLParser(resolve_entities=True)
# ruleid: code-xml-external-entities
p2 = etree.XMLParser(no_network=False)
sax = xml.sax.make_parser()
# ruleid: code-xml-external-entities
sax.setFeature(feature_external_ges, True)
# ok: code-xml-external-entities
p3 = etree.XMLParser(resolve_entities=False, no_network=True)
# ok: code-xml-external-entities
sax.setFeature(feature_external_ges, False)
# ok: code-xml-external-entities
p4 = etree.XMLParser()
