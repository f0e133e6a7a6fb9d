"""What makes a letter archivable (PDF/A-2b, ISO 19005-2) and accessible (PDF/UA-1, ISO 14289-1).

fpdf2 embeds the font and writes the structure tree (`layout.LetterPDF`); this module adds
the rest: XMP metadata naming both standards (pdfaid, and pdfuaid with the PDF/A extension
schema that declares it), the document title shown in the window (DisplayDocTitle), and an
sRGB output intent with its ICC profile (made by Pillow, so nothing is downloaded).
"""

from datetime import UTC, datetime
from functools import cache
from html import escape

from fpdf.enums import OutputIntentSubType
from fpdf.output import PDFICCProfile
from fpdf.prefs import ViewerPreferences

PDFA_PART, PDFA_CONFORMANCE = 2, "B"
PDFUA_PART = 1
SRGB = "sRGB IEC61966-2.1"

# PDF/A allows XMP properties outside its predefined schemas only when the file declares
# them; pdfuaid is such a one (ISO 14289-1, 5: the extension schema below).
_PDFUA_EXTENSION = """
      <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
        <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
        <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
        <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
        <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
          <pdfaProperty:name>part</pdfaProperty:name>
          <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
          <pdfaProperty:category>internal</pdfaProperty:category>
          <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
        </rdf:li></rdf:Seq></pdfaSchema:property>
      </rdf:li></rdf:Bag></pdfaExtension:schemas>"""


def viewer_preferences() -> ViewerPreferences:
    """Return viewer preferences that show the document title, not the file name (PDF/UA)."""
    return ViewerPreferences(display_doc_title=True)


def _xmp_date(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def xmp_metadata(*, title: str, subject: str, author: str, created_at: datetime) -> str:
    """Return the XMP packet body: Dublin Core, dates, PDF/A and PDF/UA identification."""
    when = _xmp_date(created_at)
    return f"""<x:xmpmeta xmlns:x="adobe:ns:meta/">
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
    <rdf:Description rdf:about=""
        xmlns:dc="http://purl.org/dc/elements/1.1/"
        xmlns:xmp="http://ns.adobe.com/xap/1.0/"
        xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
        xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
        xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
        xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
        xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
        xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
      <pdfaid:part>{PDFA_PART}</pdfaid:part>
      <pdfaid:conformance>{PDFA_CONFORMANCE}</pdfaid:conformance>
      <pdfuaid:part>{PDFUA_PART}</pdfuaid:part>
      <dc:format>application/pdf</dc:format>
      <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
      <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(subject)}</rdf:li></rdf:Alt></dc:description>
      <dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>
      <dc:language><rdf:Bag><rdf:li>de-DE</rdf:li></rdf:Bag></dc:language>
      <xmp:CreatorTool>Antrag</xmp:CreatorTool>
      <xmp:CreateDate>{when}</xmp:CreateDate>
      <xmp:ModifyDate>{when}</xmp:ModifyDate>
      <xmp:MetadataDate>{when}</xmp:MetadataDate>
      <pdf:Producer>Antrag</pdf:Producer>{_PDFUA_EXTENSION}
    </rdf:Description>
  </rdf:RDF>
</x:xmpmeta>"""


@cache
def srgb_profile() -> bytes:
    """Return an sRGB ICC profile (Pillow's built-in one, the same bytes every time)."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def add_srgb_output_intent(pdf) -> None:
    """Declare sRGB as the output intent that PDF/A needs for device colours."""
    pdf.add_output_intent(
        OutputIntentSubType.PDFA,
        output_condition_identifier=SRGB,
        output_condition=SRGB,
        registry_name="http://www.color.org",
        dest_output_profile=PDFICCProfile(contents=srgb_profile(), n=3, alternate="DeviceRGB"),
        info=SRGB,
    )
