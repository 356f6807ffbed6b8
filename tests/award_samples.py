"""A small eForms contract award notice (subtype 29) written for the tests: one lot awarded to one tendering party
of one or more companies (the first is the group leader), for a procedure whose id the test chooses."""

from __future__ import annotations

from xml.sax.saxutils import escape

NS = (
    'xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2" '
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" '
    'xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2" '
    'xmlns:efac="http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1" '
    'xmlns:efbc="http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1" '
    'xmlns:efext="http://data.europa.eu/p27/eforms-ubl-extensions/1"'
)


def _organisation(number: int, name: str, company_id: str) -> str:
    return f"""<efac:Organization><efac:Company>
  <efbc:CompanySizeCode listName="economic-operator-size">small</efbc:CompanySizeCode>
  <cac:PartyIdentification><cbc:ID schemeName="organization">ORG-{number:04d}</cbc:ID></cac:PartyIdentification>
  <cac:PartyName><cbc:Name languageID="FRA">{escape(name)}</cbc:Name></cac:PartyName>
  <cac:PostalAddress><cbc:CityName>Marseille</cbc:CityName><cbc:PostalZone>13001</cbc:PostalZone>
    <cac:Country><cbc:IdentificationCode listName="country">FRA</cbc:IdentificationCode></cac:Country>
  </cac:PostalAddress>
  <cac:PartyLegalEntity><cbc:CompanyID>{company_id}</cbc:CompanyID></cac:PartyLegalEntity>
</efac:Company></efac:Organization>"""


def eforms_award(
    procedure_id: str,
    lot_id: str,
    winners: list[tuple[str, str]],
    amount: str = "195000",
    award_date: str = "2026-05-02",
    notice_id: str = "0d7c1e5a-1111-4222-8333-444455556666",
) -> bytes:
    """The award notice: ``winners`` (name, SIRET) as one tendering party, the first the group leader."""
    tenderers = "".join(
        f'<efac:Tenderer><cbc:ID schemeName="organization">ORG-{n:04d}</cbc:ID>'
        f"<efbc:GroupLeadIndicator>{'true' if n == 2 else 'false'}</efbc:GroupLeadIndicator></efac:Tenderer>"
        for n in range(2, 2 + len(winners))
    )
    organisations = _organisation(1, "Ville de Marseille", "21130055300016") + "".join(
        _organisation(n, name, company_id) for n, (name, company_id) in enumerate(winners, start=2)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ContractAwardNotice {NS}>
<ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent><efext:EformsExtension>
  <efac:NoticeResult>
    <efac:LotResult>
      <cbc:ID schemeName="result">RES-0001</cbc:ID>
      <cbc:TenderResultCode listName="winner-selection-status">selec-w</cbc:TenderResultCode>
      <efac:LotTender><cbc:ID schemeName="tender">TEN-0001</cbc:ID></efac:LotTender>
      <efac:ReceivedSubmissionsStatistics>
        <efbc:StatisticsCode listName="received-submission-type">tenders</efbc:StatisticsCode>
        <efbc:StatisticsNumeric>3</efbc:StatisticsNumeric>
      </efac:ReceivedSubmissionsStatistics>
      <efac:SettledContract><cbc:ID schemeName="contract">CON-0001</cbc:ID></efac:SettledContract>
      <efac:TenderLot><cbc:ID schemeName="Lot">{lot_id}</cbc:ID></efac:TenderLot>
    </efac:LotResult>
    <efac:LotTender>
      <cbc:ID schemeName="tender">TEN-0001</cbc:ID>
      <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">{amount}</cbc:PayableAmount></cac:LegalMonetaryTotal>
      <efac:TenderingParty><cbc:ID schemeName="tendering-party">TPA-0001</cbc:ID></efac:TenderingParty>
      <efac:TenderLot><cbc:ID schemeName="Lot">{lot_id}</cbc:ID></efac:TenderLot>
    </efac:LotTender>
    <efac:SettledContract>
      <cbc:ID schemeName="contract">CON-0001</cbc:ID>
      <cbc:AwardDate>{award_date}+02:00</cbc:AwardDate>
      <efac:LotTender><cbc:ID schemeName="tender">TEN-0001</cbc:ID></efac:LotTender>
    </efac:SettledContract>
    <efac:TenderingParty><cbc:ID schemeName="tendering-party">TPA-0001</cbc:ID>{tenderers}</efac:TenderingParty>
  </efac:NoticeResult>
  <efac:Organizations>{organisations}</efac:Organizations>
</efext:EformsExtension></ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>
<cbc:UBLVersionID>2.3</cbc:UBLVersionID>
<cbc:ID schemeName="notice-id">{notice_id}</cbc:ID>
<cbc:ContractFolderID>{escape(procedure_id)}</cbc:ContractFolderID>
<cbc:IssueDate>2026-05-10+02:00</cbc:IssueDate>
<cbc:VersionID>01</cbc:VersionID>
<cbc:NoticeTypeCode listName="result">can-standard</cbc:NoticeTypeCode>
<cbc:NoticeLanguageCode>FRA</cbc:NoticeLanguageCode>
<cac:ContractingParty><cac:Party><cac:PartyIdentification><cbc:ID schemeName="organization">ORG-0001</cbc:ID>
</cac:PartyIdentification></cac:Party></cac:ContractingParty>
<cac:TenderingProcess><cbc:ProcedureCode listName="procurement-procedure-type">open</cbc:ProcedureCode>
</cac:TenderingProcess>
<cac:ProcurementProject><cbc:Name languageID="FRA">Rénovation de l'école</cbc:Name>
  <cbc:ProcurementTypeCode listName="contract-nature">works</cbc:ProcurementTypeCode>
  <cac:MainCommodityClassification><cbc:ItemClassificationCode listName="cpv">45000000</cbc:ItemClassificationCode>
  </cac:MainCommodityClassification></cac:ProcurementProject>
<cac:ProcurementProjectLot><cbc:ID schemeName="Lot">{lot_id}</cbc:ID>
  <cac:ProcurementProject><cbc:Name languageID="FRA">Lot {lot_id}</cbc:Name>
  <cbc:ProcurementTypeCode listName="contract-nature">works</cbc:ProcurementTypeCode></cac:ProcurementProject>
</cac:ProcurementProjectLot>
</ContractAwardNotice>""".encode()
