"""Synthetic business documents for the doc-type classifier.

Every generator takes a `random.Random` and returns plain text the way a PDF text layer or an
OCR engine (tesseract) would give it: one visual line per text line, or one fragment per line as
in SROIE transcripts, with optional OCR noise (see `ocr_noise`). Five languages: en, de, fr, es, nl.
Vendor names, addresses and items are assembled from parts so no name repeats often enough to be
learned as a class cue.
"""

from __future__ import annotations

import random
import re
import string

LANGS = ["en", "de", "fr", "es", "nl"]

# ---------------------------------------------------------------- names, places, items

NAME_PARTS_A = [
    "North", "Blue", "Golden", "Star", "Metro", "Prime", "Alpha", "Green", "Silver", "Royal", "Global",
    "Sun", "River", "Oak", "Lake", "City", "Pacific", "Euro", "Nova", "Atlas", "Delta", "Orion", "Summit",
    "Bright", "Kilat", "Sinar", "Jaya", "Maju", "Hock", "Seng", "Lian", "Berg", "Rhein", "Alpen", "Nord",
    "Sud", "Soleil", "Lumiere", "Costa", "Sierra", "Luna", "Mar", "Zon", "Polder", "Duin", "Van Dijk",
    "Muller", "Schmidt", "Dupont", "Garcia", "Martinez", "De Vries", "Janssen", "Tan", "Lim", "Wong",
    "Chen", "Kumar", "Patel", "Smith", "Baker", "Hill", "Morgan", "Fischer", "Weber", "Moreau", "Lopez",
]
NAME_PARTS_B = [
    "Trading", "Supplies", "Hardware", "Systems", "Logistics", "Foods", "Bakery", "Cafe", "Restaurant",
    "Books", "Stationery", "Electronics", "Motors", "Pharmacy", "Market", "Mart", "Store", "Hosting",
    "Consulting", "Design", "Interior", "Print", "Solutions", "Technik", "Handel", "Bau", "Services",
    "Boulangerie", "Librairie", "Informatique", "Distribucion", "Comercial", "Ferreteria", "Groothandel",
    "Installatie", "Enterprise", "Kitchen", "Hotel", "Fuel", "Auto Parts", "Garden", "Textiles", "Optical",
]
LEGAL = {
    "en": ["Ltd", "Ltd.", "Inc.", "LLC", "PLC", "Co.", "SDN BHD", "Sdn. Bhd.", "Pte Ltd", "Pvt. Ltd.", "Corp."],
    "de": ["GmbH", "AG", "GmbH & Co. KG", "e.K.", "KG", "UG"],
    "fr": ["SARL", "SA", "SAS", "EURL", "& Fils"],
    "es": ["S.L.", "S.A.", "S.L.U.", "y Cia"],
    "nl": ["B.V.", "N.V.", "V.O.F."],
}
STREETS = {
    "en": ["Main Street", "High Street", "Vine St", "Market Road", "Station Road", "Jalan Sagu", "Jalan Bukit",
           "Jalan Ampang", "Church Lane", "Park Avenue", "King Street", "Harbour Road", "Mill Lane"],
    "de": ["Hauptstrasse", "Bahnhofstr.", "Uferweg", "Goethestrasse", "Marktplatz", "Lindenallee", "Industriestr."],
    "fr": ["rue de la Paix", "avenue Victor Hugo", "boulevard Voltaire", "rue du Commerce", "place de la Gare"],
    "es": ["Calle Mayor", "Avenida de la Constitucion", "Calle del Sol", "Paseo de Gracia", "Calle Real"],
    "nl": ["Weena", "Kerkstraat", "Stationsplein", "Dorpsstraat", "Hoofdweg", "Keizersgracht"],
}
CITIES = {
    "en": ["London", "Manchester", "Fremont CA", "Scranton PA", "Johor Bahru", "Kuala Lumpur", "Petaling Jaya",
           "Shah Alam", "Singapore", "Bangalore", "Chennai", "Dublin", "Sydney", "Toronto", "Austin TX"],
    "de": ["Berlin", "Hamburg", "Munchen", "Koln", "Gelnhausen", "Frankfurt am Main", "Stuttgart", "Wien", "Zurich"],
    "fr": ["Paris", "Lyon", "Marseille", "Villeurbanne", "Toulouse", "Bordeaux", "Lille", "Bruxelles", "Nantes"],
    "es": ["Madrid", "Barcelona", "Valencia", "Sevilla", "Bilbao", "Malaga", "Zaragoza", "Mexico DF"],
    "nl": ["Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Antwerpen", "Gent"],
}
COUNTRIES = {"en": ["United States", "United Kingdom", "Malaysia", "India", ""], "de": ["Deutschland", "Germany", ""],
             "fr": ["France", "Belgique", ""], "es": ["Espana", "Spain", ""], "nl": ["Nederland", "Belgie", ""]}
PERSONS = ["Anna Schmidt", "John Miller", "Pino Bluebird", "Alexis de Lattre", "Maria Lopez", "Jan de Vries",
           "Sanjay Kumar", "Tan Woon Yann", "Claire Martin", "Peter Janssen", "Laura Garcia", "Mitchell Admin",
           "Ahmad Bin Ali", "Sophie Dubois", "Lukas Weber", "Emma Visser", "Carlos Ruiz", "Nur Aisyah"]

ITEMS = {
    "en": ["Office chair", "Desk lamp", "Printer paper A4", "Consulting services", "Web hosting package",
           "Domain renewal", "Cloud storage 1TB", "Laptop bag", "USB-C cable", "Monitor 27 inch", "Maintenance fee",
           "Installation labour", "Software licence", "Support hours", "Shipping", "Coffee beans 1kg", "Toner cartridge",
           "Room charges", "Cleaning service", "Training session", "Design work", "Steel bolts M8", "Paint 5L"],
    "de": ["Burostuhl", "Schreibtischlampe", "Druckerpapier A4", "Beratungsleistung", "Webhosting Paket",
           "Domainverlangerung", "Wartungspauschale", "Montage", "Softwarelizenz", "Versandkosten", "Kaffeebohnen",
           "Tonerkartusche", "Arbeitsstunden", "Schrauben M8", "Farbe weiss 5L"],
    "fr": ["Chaise de bureau", "Lampe de bureau", "Papier A4", "Prestation de conseil", "Hebergement web",
           "Abonnement fibre", "Frais de port", "Licence logicielle", "Main d'oeuvre", "Cartouche d'encre",
           "Forfait mensuel", "Installation", "Maintenance annuelle"],
    "es": ["Silla de oficina", "Lampara", "Papel A4", "Servicios de consultoria", "Alojamiento web",
           "Gastos de envio", "Licencia de software", "Mano de obra", "Cartucho de toner", "Cuota mensual",
           "Instalacion", "Mantenimiento"],
    "nl": ["Bureaustoel", "Bureaulamp", "Printpapier A4", "Adviesdiensten", "Webhosting", "Verzendkosten",
           "Softwarelicentie", "Arbeidsloon", "Tonercartridge", "Tablet hoes", "Laptop", "Installatie", "Onderhoud"],
}
RECEIPT_ITEMS = [
    "NASI LEMAK", "TEH TARIK", "KOPI O", "MILO ICE", "ROTI CANAI", "CHICKEN RICE", "MINERAL WATER 500ML",
    "BREAD WHITE", "EGGS 10S", "SUGAR 1KG", "RICE 5KG", "COOKING OIL", "SHAMPOO 400ML", "TOOTHPASTE", "BATTERY AA",
    "PEN BLUE", "NOTEBOOK A5", "GLUE STICK", "SCISSORS", "TAPE", "PLASTIC BAG", "CABLE TIE", "BULB LED 9W",
    "Espresso", "Cappuccino", "Croissant", "Baguette", "Cafe au lait", "Bier 0,5l", "Brot", "Milch 1L", "Apfel",
    "Agua mineral", "Cafe con leche", "Tostada", "Pan", "Koffie", "Broodje kaas", "Melk", "Appels 1kg",
    "Unleaded 95", "Diesel", "Car wash", "Sandwich", "Salad", "Soup of the day", "Burger", "Fries", "Cola 330ml",
]

# ---------------------------------------------------------------- vocab per language

WORDS = {
    "en": dict(invoice=["INVOICE", "Invoice", "TAX INVOICE", "Tax Invoice", "Commercial Invoice", "Sales Invoice", "Bill"],
               inv_no=["Invoice No", "Invoice #", "Invoice Number", "Inv No.", "Bill No"], date=["Date", "Invoice Date", "Issue Date"],
               due=["Due Date", "Payment due", "Due"], bill_to=["Bill To", "Billed to", "Customer", "Sold to"], ship_to=["Ship To", "Deliver to"],
               qty=["Qty", "Quantity", "QTY"], desc=["Description", "Item", "Particulars"], unit=["Unit Price", "Rate", "Price"],
               amount=["Amount", "Line Total", "Total"], subtotal=["Subtotal", "Sub Total", "Net Amount", "Total excl. tax"],
               tax=["VAT", "Tax", "GST 6%", "Sales Tax", "VAT 20%", "SST"], total=["Total", "TOTAL", "Grand Total", "Amount Due", "Balance Due", "Total Due"],
               terms=["Payment terms: 30 days net", "Please pay within 14 days", "Payment due upon receipt", "Thank you for your business.",
                      "Please make payment to the account below", "Late payments are subject to interest."],
               taxid=["VAT No", "Tax ID", "GSTIN", "GST Reg No", "Company No", "EIN"], customer_no=["Customer No", "Account No", "Client ID"],
               order_no=["Order No", "Order ID", "Your reference", "PO Number"],
               po=["PURCHASE ORDER", "Purchase Order", "PO"], po_no=["PO Number", "PO #", "Purchase Order No", "Order Number"],
               po_misc=["Requested by", "Approved by", "Buyer", "Delivery Date", "Ship Via", "Requisitioner", "Vendor", "Supplier"],
               po_terms=["Please send two copies of your invoice.", "Enter this order in accordance with the prices, terms and delivery method specified.",
                         "Please notify us immediately if you are unable to ship as specified.", "Authorized signature", "Delivery required by"],
               credit=["CREDIT NOTE", "Credit Note", "Credit Memo", "CREDIT MEMO", "Credit Invoice", "Refund Note"],
               credit_no=["Credit Note No", "Credit No", "Memo #", "Credit note number"],
               credit_ref=["Original invoice", "Reference invoice", "Against invoice", "Relates to invoice"],
               credit_misc=["Reason: goods returned", "Refund for damaged items", "Price adjustment", "Amount credited to your account",
                            "This credit will be applied to your next invoice", "Refund", "Returned goods"],
               stmt=["STATEMENT OF ACCOUNT", "Bank Statement", "Account Statement", "Monthly Statement", "Current Account Statement"],
               stmt_misc=["Opening balance", "Closing balance", "Balance brought forward", "Statement period", "Account number", "Sort code",
                          "Total credits", "Total debits", "Available balance", "Page 1 of 2", "Branch"],
               stmt_cols=["Date", "Description", "Debit", "Credit", "Balance", "Paid out", "Paid in", "Withdrawals", "Deposits"],
               stmt_tx=["Direct debit", "Card payment", "Transfer to savings", "Salary", "ATM withdrawal", "Standing order", "Interest",
                        "Bank charges", "POS purchase", "Online transfer", "Cheque deposit", "Refund"],
               receipt=["RECEIPT", "Receipt", "CASH RECEIPT", "SALES RECEIPT", "CASH BILL", "TAX INVOICE", "SIMPLIFIED TAX INVOICE",
                        "OFFICIAL RECEIPT", "Customer copy", "INVOICE"],
               r_misc=["Cashier", "CASHIER", "Counter", "Table", "Server", "Terminal", "Receipt No", "Bill No", "Trans No", "Member"],
               r_pay=["CASH", "Cash", "CHANGE", "Change", "VISA", "MASTERCARD", "Card", "Tendered", "Debit card", "Rounding Adj"],
               r_end=["THANK YOU", "Thank you, please come again", "GOODS SOLD ARE NOT RETURNABLE", "Please keep this receipt",
                      "EXCHANGE WITHIN 7 DAYS WITH RECEIPT", "Have a nice day!", "STRICTLY NO CASH REFUND", "Powered by POS"]),
    "de": dict(invoice=["RECHNUNG", "Rechnung", "Rechnung Nr.", "Proforma-Rechnung"], inv_no=["Rechnungsnr.", "Rechnungsnummer", "Rechnung Nr."],
               date=["Datum", "Rechnungsdatum"], due=["Fallig am", "Zahlbar bis", "Zahlungsziel"], bill_to=["Rechnungsempfanger", "Kunde", "An"],
               ship_to=["Lieferadresse", "Lieferanschrift"], qty=["Menge", "Anz."], desc=["Beschreibung", "Bezeichnung", "Artikel"],
               unit=["Einzelpreis", "VK-Preis", "Preis"], amount=["Betrag", "Gesamt", "Zeilenbetrag"], subtotal=["Zwischensumme", "Nettobetrag", "Summe netto"],
               tax=["MwSt. 19%", "USt. 19%", "MwSt 7%", "Umsatzsteuer"], total=["Gesamtbetrag", "Summe", "Rechnungsbetrag", "Endbetrag", "Zu zahlen"],
               terms=["Zahlbar innerhalb von 14 Tagen ohne Abzug.", "Bitte uberweisen Sie den Betrag auf unser Konto.", "Vielen Dank fur Ihren Auftrag.",
                      "Leistungsdatum entspricht Rechnungsdatum.", "Zahlungsbedingungen: 2% Skonto bei Zahlung innerhalb von 10 Tagen",
                      "Bankverbindung: Sparkasse", "Zahlbar sofort ohne Abzug", "Der Rechnungsbetrag wird per SEPA-Lastschrift eingezogen."],
               taxid=["USt-IdNr.", "Steuernummer", "HRB"], customer_no=["Kundennr.", "Kundennummer"], order_no=["Auftragsnr.", "Bestellnr.", "Ihre Bestellung"],
               po=["BESTELLUNG", "Bestellung", "Einkaufsbestellung", "Auftrag"], po_no=["Bestellnummer", "Bestell-Nr.", "Bestellung Nr."],
               po_misc=["Besteller", "Lieferant", "Liefertermin", "Genehmigt von", "Versandart", "Ansprechpartner"],
               po_terms=["Bitte bestatigen Sie diese Bestellung.", "Bitte geben Sie unsere Bestellnummer auf allen Dokumenten an.",
                         "Lieferung frei Haus", "Es gelten unsere Einkaufsbedingungen."],
               credit=["GUTSCHRIFT", "Gutschrift", "Stornorechnung", "Gutschriftsanzeige", "Storno-Rechnung"],
               credit_no=["Gutschrift Nr.", "Gutschriftsnummer", "Korrektur-Nr.", "Beleg-Nr."],
               credit_ref=["Zur Rechnung", "Bezug Rechnung", "Ursprungliche Rechnung"],
               credit_misc=["Grund: Rucksendung", "Wir schreiben Ihnen folgenden Betrag gut", "Erstattung", "Preisminderung", "Der Betrag wird verrechnet"],
               stmt=["KONTOAUSZUG", "Kontoauszug", "Kontoauszug Nr."], stmt_misc=["Alter Kontostand", "Neuer Kontostand", "Kontonummer", "BLZ",
               "Auszug", "Blatt 1", "Zeitraum", "Summe Soll", "Summe Haben"], stmt_cols=["Buchung", "Valuta", "Vorgang", "Soll", "Haben", "Saldo"],
               stmt_tx=["Lastschrift", "Gutschrift", "Uberweisung", "Kartenzahlung", "Dauerauftrag", "Gehalt", "Bargeldauszahlung", "Entgelt", "Zinsen"],
               receipt=["Kassenbon", "KASSENBON", "Quittung", "Beleg", "Rechnung", "Bon"], r_misc=["Kasse", "Bediener", "Beleg-Nr.", "Tisch", "Bon-Nr."],
               r_pay=["BAR", "Bar", "Gegeben", "Ruckgeld", "EC-Karte", "Kartenzahlung"], r_end=["Vielen Dank fur Ihren Einkauf", "Auf Wiedersehen",
               "Bitte Bon aufbewahren", "Umtausch nur mit Bon"]),
    "fr": dict(invoice=["FACTURE", "Facture", "Facture N°", "Facture d'acompte"], inv_no=["Numero de facture", "Facture n°", "N° facture"],
               date=["Date", "Date de facture", "Date d'emission"], due=["Echeance", "Date d'echeance", "A payer avant le"],
               bill_to=["Facture a", "Client", "Destinataire"], ship_to=["Adresse de livraison", "Livre a"], qty=["Qte", "Quantite"],
               desc=["Designation", "Description", "Libelle"], unit=["Prix unitaire", "PU HT"], amount=["Montant", "Total HT", "Montant HT"],
               subtotal=["Total HT", "Sous-total", "Montant HT"], tax=["TVA 20%", "TVA", "TVA 5,5%"], total=["Total TTC", "Net a payer", "Montant TTC", "TOTAL"],
               terms=["Paiement a 30 jours", "Penalites de retard: 3 fois le taux legal", "Merci de votre confiance.", "Reglement par virement bancaire",
                      "Escompte pour paiement anticipe: neant"],
               taxid=["SIRET", "N° TVA intracommunautaire", "RCS", "TVA"], customer_no=["N° client", "Reference client", "Numero abonne"],
               order_no=["N° commande", "Votre commande", "Reference"],
               po=["BON DE COMMANDE", "Bon de commande", "Commande fournisseur"], po_no=["N° de commande", "Commande n°", "Bon de commande n°"],
               po_misc=["Demandeur", "Fournisseur", "Date de livraison souhaitee", "Approuve par", "Acheteur", "Mode de livraison"],
               po_terms=["Merci de rappeler ce numero sur votre facture.", "Livraison franco de port", "Conditions generales d'achat applicables",
                         "Bon pour accord", "Signature de l'acheteur"],
               credit=["AVOIR", "Avoir", "Facture d'avoir", "Note de credit", "AVOIR N°"], credit_no=["Avoir n°", "Numero d'avoir", "N° avoir"],
               credit_ref=["Facture d'origine", "Sur facture", "Reference facture"],
               credit_misc=["Motif: retour de marchandise", "Remboursement", "Geste commercial", "Montant a deduire", "Annulation partielle"],
               stmt=["RELEVE DE COMPTE", "Releve de compte", "Releve bancaire", "Extrait de compte"],
               stmt_misc=["Ancien solde", "Nouveau solde", "Solde crediteur", "Numero de compte", "Periode du", "Total des operations", "Agence"],
               stmt_cols=["Date", "Libelle", "Debit", "Credit", "Valeur", "Solde"],
               stmt_tx=["Prelevement", "Virement recu", "Paiement par carte", "Retrait DAB", "Cotisation carte", "Virement emis", "Frais bancaires", "Cheque"],
               receipt=["TICKET DE CAISSE", "Ticket", "Recu", "RECU", "Ticket client", "Facturette"], r_misc=["Caisse", "Caissier", "Ticket n°", "Table", "Vendeur"],
               r_pay=["ESPECES", "Especes", "Rendu", "CB", "Carte bancaire", "Monnaie rendue"],
               r_end=["Merci de votre visite", "A bientot", "Conservez ce ticket", "Ni repris ni echange"]),
    "es": dict(invoice=["FACTURA", "Factura", "Factura N°", "Factura simplificada"], inv_no=["N° de factura", "Numero de factura", "Factura n°"],
               date=["Fecha", "Fecha de emision", "Fecha factura"], due=["Vencimiento", "Fecha de vencimiento"], bill_to=["Cliente", "Facturar a"],
               ship_to=["Direccion de envio", "Enviar a"], qty=["Cant.", "Cantidad", "Uds."], desc=["Descripcion", "Concepto", "Articulo"],
               unit=["Precio unitario", "Precio"], amount=["Importe", "Total"], subtotal=["Base imponible", "Subtotal"],
               tax=["IVA 21%", "IVA", "IVA 10%"], total=["Total factura", "TOTAL", "Total a pagar", "Importe total"],
               terms=["Forma de pago: transferencia bancaria", "Pago a 30 dias", "Gracias por su confianza.", "Vencimiento a 60 dias"],
               taxid=["CIF", "NIF", "N.I.F."], customer_no=["N° cliente", "Codigo cliente"], order_no=["N° pedido", "Su pedido", "Referencia"],
               po=["ORDEN DE COMPRA", "Orden de compra", "PEDIDO", "Pedido de compra", "Hoja de pedido"], po_no=["N° de pedido", "Orden n°", "Pedido n°"],
               po_misc=["Solicitante", "Proveedor", "Fecha de entrega", "Aprobado por", "Comprador", "Condiciones de entrega"],
               po_terms=["Indique este numero de pedido en su factura.", "Entrega en nuestro almacen", "Firma autorizada", "Confirme la recepcion de este pedido."],
               credit=["NOTA DE CREDITO", "Nota de credito", "Abono", "Nota de abono"], credit_no=["N° nota de credito", "Rectificativa n°"],
               credit_ref=["Factura original", "Rectifica a la factura", "Factura de referencia"],
               credit_misc=["Motivo: devolucion de mercancia", "Reembolso", "Descuento comercial", "Importe abonado", "Anulacion"],
               stmt=["EXTRACTO BANCARIO", "Extracto de cuenta", "Extracto de movimientos"],
               stmt_misc=["Saldo anterior", "Saldo final", "Saldo disponible", "Numero de cuenta", "Periodo", "Oficina", "Titular"],
               stmt_cols=["Fecha", "Concepto", "Cargo", "Abono", "Saldo", "F. valor"],
               stmt_tx=["Recibo domiciliado", "Transferencia recibida", "Compra con tarjeta", "Reintegro cajero", "Nomina", "Comision", "Bizum", "Intereses"],
               receipt=["TICKET", "Ticket de compra", "RECIBO", "Recibo", "Factura simplificada", "Comprobante"],
               r_misc=["Caja", "Cajero", "Le atendio", "Mesa", "Ticket n°"], r_pay=["EFECTIVO", "Efectivo", "Cambio", "Entregado", "TARJETA", "Tarjeta"],
               r_end=["Gracias por su visita", "Vuelva pronto", "Conserve este ticket", "IVA incluido"]),
    "nl": dict(invoice=["FACTUUR", "Factuur", "FACTUUR."], inv_no=["Factuurnummer", "Factuur nr.", "Factuurnr."], date=["Datum", "Factuurdatum"],
               due=["Vervaldatum", "Te betalen voor"], bill_to=["Klant", "Factuuradres", "Aan"], ship_to=["Afleveradres", "Leveradres"],
               qty=["Aantal", "Aant."], desc=["Omschrijving", "Artikel"], unit=["Prijs", "Stukprijs", "Eenheidsprijs"], amount=["Bedrag", "Totaal"],
               subtotal=["Subtotaal", "Totaal excl. BTW"], tax=["BTW 21%", "BTW", "BTW 9%"], total=["Totaal", "Totaal incl. BTW", "Te betalen", "TOTAAL"],
               terms=["Wij verzoeken u het bedrag binnen 14 dagen over te maken.", "Betaling binnen 30 dagen", "Bedankt voor uw bestelling.",
                      "Dat betaal ik zelf wel."],
               taxid=["BTW-nummer", "KvK", "BTW nr."], customer_no=["Klantnummer", "Debiteurnummer"], order_no=["Ordernummer", "Orderdatum", "Uw referentie"],
               po=["INKOOPORDER", "Inkooporder", "BESTELBON", "Bestelbon", "Bestelling"], po_no=["Ordernummer", "Inkoopordernummer", "Bestelnummer"],
               po_misc=["Besteld door", "Leverancier", "Gewenste leverdatum", "Goedgekeurd door", "Inkoper", "Verzendwijze"],
               po_terms=["Vermeld ons ordernummer op uw factuur.", "Levering franco", "Onze inkoopvoorwaarden zijn van toepassing", "Handtekening"],
               credit=["CREDITNOTA", "Creditnota", "Creditfactuur", "Credit factuur"], credit_no=["Creditnotanummer", "Creditnota nr.", "Creditfactuurnummer"],
               credit_ref=["Originele factuur", "Betreft factuur", "Factuur referentie"],
               credit_misc=["Reden: retourzending", "Terugbetaling", "Wij crediteren u het volgende bedrag", "Prijscorrectie", "Retour ontvangen"],
               stmt=["REKENINGAFSCHRIFT", "Rekeningafschrift", "Bankafschrift", "Afschrift"],
               stmt_misc=["Beginsaldo", "Eindsaldo", "Vorig saldo", "Nieuw saldo", "Rekeningnummer", "Periode", "Afschrift nummer", "Totaal bij", "Totaal af"],
               stmt_cols=["Datum", "Omschrijving", "Af", "Bij", "Saldo", "Rentedatum"],
               stmt_tx=["Incasso", "Overboeking", "Betaalautomaat", "Geldautomaat", "Salaris", "iDEAL betaling", "Rente", "Kosten", "Periodieke overboeking"],
               receipt=["KASSABON", "Kassabon", "Bon", "Betaalbewijs", "Klantenticket"], r_misc=["Kassa", "Kassier", "Bonnummer", "Tafel", "Medewerker"],
               r_pay=["CONTANT", "Contant", "Wisselgeld", "PIN", "Pinnen", "Terug"], r_end=["Bedankt voor uw bezoek", "Tot ziens", "Bewaar deze bon",
               "Ruilen alleen met kassabon"]),
}

CURRENCIES = {"en": ["USD", "$", "GBP", "£", "RM", "MYR", "Rs", "INR", "SGD", "AUD", "EUR"], "de": ["EUR", "€", "CHF"],
              "fr": ["EUR", "€", "CHF"], "es": ["EUR", "€", "MXN"], "nl": ["EUR", "€"]}
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    "de": ["Januar", "Februar", "Marz", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
    "fr": ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
}

# ---------------------------------------------------------------- "other": prose and forms

PROSE = {
    "en": [
        "The meeting was moved to Thursday afternoon because several members of the committee were travelling.",
        "This manual describes the installation and operation of the device; read it carefully before use.",
        "In the early years of the century the town grew rapidly along the river and the new railway line.",
        "We are pleased to inform you that your application has been received and will be reviewed shortly.",
        "The results of the experiment suggest that temperature has a significant effect on the reaction rate.",
        "Chapter three discusses the history of printing and the spread of literacy in northern Europe.",
        "Please find attached the minutes of the last meeting and the agenda for the next session.",
        "Each of the tracks may be assigned to one of sixteen channels and played back in real time.",
        "Preheat the oven, mix the flour with the butter and add the eggs one at a time.",
        "The tenant agrees to keep the premises in good repair and to allow inspection with notice.",
        "Figure 2 shows the distribution of responses across the three groups of participants.",
        "Dear Sir or Madam, I am writing to you regarding the proposed changes to the timetable.",
        "The committee voted to support the proposal, with a small number of members opposed.",
        "Press the record button to start, and press stop when the performance is complete.",
        "He looked out of the window at the grey sky and wondered whether the train would be late.",
        "Abstract: we present a simple method for the estimation of parameters in noisy systems.",
        "All rights reserved. No part of this publication may be reproduced without permission.",
        "The patient should take one tablet twice a day after meals for a period of ten days.",
        "Table 1 lists the percentage of votes for each option in the survey conducted last year.",
        "The museum is open daily from ten until six, except on public holidays.",
    ],
    "de": [
        "Die Sitzung wurde auf Donnerstag verschoben, da mehrere Mitglieder verreist waren.",
        "Diese Anleitung beschreibt die Installation und den Betrieb des Gerates.",
        "Im neunzehnten Jahrhundert wuchs die Stadt entlang des Flusses und der neuen Eisenbahnlinie.",
        "Wir freuen uns, Ihnen mitzuteilen, dass Ihre Bewerbung eingegangen ist.",
        "Die Ergebnisse zeigen, dass die Temperatur einen deutlichen Einfluss auf die Reaktion hat.",
        "Sehr geehrte Damen und Herren, ich schreibe Ihnen wegen der geplanten Anderungen.",
        "Der Mieter verpflichtet sich, die Raume in gutem Zustand zu halten.",
        "Das Museum ist taglich von zehn bis achtzehn Uhr geoffnet.",
        "Kapitel drei behandelt die Geschichte des Buchdrucks in Mitteleuropa.",
        "Den Ofen vorheizen, das Mehl mit der Butter vermischen und die Eier hinzufugen.",
        "Mit freundlichen Grussen, Ihr Team der Stadtverwaltung",
        "Protokoll der Mitgliederversammlung vom vergangenen Montag",
    ],
    "fr": [
        "La reunion a ete reportee a jeudi car plusieurs membres du comite etaient en deplacement.",
        "Ce manuel decrit l'installation et l'utilisation de l'appareil; lisez-le attentivement.",
        "Au debut du siecle, la ville s'est developpee le long du fleuve et de la nouvelle ligne de chemin de fer.",
        "Nous avons le plaisir de vous informer que votre candidature a bien ete recue.",
        "Les resultats de l'experience montrent que la temperature influence fortement la reaction.",
        "Madame, Monsieur, je vous ecris au sujet des modifications prevues de l'horaire.",
        "Le locataire s'engage a maintenir les lieux en bon etat.",
        "Le musee est ouvert tous les jours de dix heures a dix-huit heures.",
        "Le chapitre trois traite de l'histoire de l'imprimerie en Europe.",
        "Prechauffer le four, melanger la farine avec le beurre et ajouter les oeufs.",
        "Veuillez agreer, Madame, Monsieur, l'expression de mes salutations distinguees.",
        "Compte rendu de l'assemblee generale de l'association",
    ],
    "es": [
        "La reunion se aplazo al jueves porque varios miembros del comite estaban de viaje.",
        "Este manual describe la instalacion y el funcionamiento del aparato.",
        "A principios de siglo la ciudad crecio a lo largo del rio y de la nueva linea de ferrocarril.",
        "Nos complace informarle de que hemos recibido su solicitud.",
        "Los resultados indican que la temperatura tiene un efecto importante en la reaccion.",
        "Estimados senores, les escribo en relacion con los cambios propuestos en el horario.",
        "El arrendatario se compromete a mantener el inmueble en buen estado.",
        "El museo abre todos los dias de diez a seis, excepto los festivos.",
        "El capitulo tres trata de la historia de la imprenta en Europa.",
        "Precalentar el horno, mezclar la harina con la mantequilla y anadir los huevos.",
        "Atentamente, el equipo de atencion al cliente",
        "Acta de la reunion ordinaria de la junta directiva",
    ],
    "nl": [
        "De vergadering is verplaatst naar donderdag omdat meerdere leden op reis waren.",
        "Deze handleiding beschrijft de installatie en het gebruik van het apparaat.",
        "In het begin van de eeuw groeide de stad langs de rivier en de nieuwe spoorlijn.",
        "Wij laten u graag weten dat uw aanvraag in goede orde is ontvangen.",
        "De resultaten laten zien dat de temperatuur een duidelijk effect heeft op de reactie.",
        "Geachte heer, mevrouw, ik schrijf u naar aanleiding van de voorgestelde wijzigingen.",
        "De huurder verplicht zich het pand in goede staat te houden.",
        "Het museum is dagelijks geopend van tien tot zes uur.",
        "Hoofdstuk drie behandelt de geschiedenis van de boekdrukkunst in Europa.",
        "Verwarm de oven voor, meng de bloem met de boter en voeg de eieren toe.",
        "Met vriendelijke groet, namens het bestuur",
        "Notulen van de algemene ledenvergadering",
    ],
}
PROSE_WORDS = {
    lang: sorted({w.strip(".,;:").lower() for s in sents for w in s.split() if len(w.strip(".,;:")) > 1})
    for lang, sents in PROSE.items()
}
OTHER_TITLES = {
    "en": ["MEETING MINUTES", "User Manual", "Chapter 3", "Memorandum", "Application Form", "Table of Contents", "Abstract",
           "Press Release", "Agenda", "Lease Agreement", "Certificate of Completion", "Newsletter", "Recipe", "Delivery Note",
           "Curriculum Vitae", "Technical Specification", "Notice", "Report", "Program", "Letter"],
    "de": ["Protokoll", "Bedienungsanleitung", "Kapitel 3", "Mitteilung", "Antrag", "Inhaltsverzeichnis", "Mietvertrag", "Lebenslauf", "Einladung"],
    "fr": ["Compte rendu", "Mode d'emploi", "Chapitre 3", "Note de service", "Formulaire", "Sommaire", "Contrat de location", "Invitation"],
    "es": ["Acta", "Manual de usuario", "Capitulo 3", "Circular", "Solicitud", "Indice", "Contrato de alquiler", "Invitacion"],
    "nl": ["Notulen", "Handleiding", "Hoofdstuk 3", "Mededeling", "Aanvraagformulier", "Inhoudsopgave", "Huurovereenkomst", "Uitnodiging"],
}
FORM_FIELDS = {
    "en": ["Name", "Address", "Date of birth", "Phone", "Email", "Signature", "Department", "Employee ID", "Reason", "Start date"],
    "de": ["Name", "Anschrift", "Geburtsdatum", "Telefon", "E-Mail", "Unterschrift", "Abteilung", "Grund"],
    "fr": ["Nom", "Adresse", "Date de naissance", "Telephone", "Courriel", "Signature", "Service", "Motif"],
    "es": ["Nombre", "Direccion", "Fecha de nacimiento", "Telefono", "Correo", "Firma", "Departamento", "Motivo"],
    "nl": ["Naam", "Adres", "Geboortedatum", "Telefoon", "E-mail", "Handtekening", "Afdeling", "Reden"],
}


# ---------------------------------------------------------------- small helpers

def pick(r: random.Random, xs):
    return xs[r.randrange(len(xs))]


def vendor(r: random.Random, lang: str) -> str:
    parts = [pick(r, NAME_PARTS_A)]
    if r.random() < 0.5:
        parts.append(pick(r, NAME_PARTS_A))
    parts.append(pick(r, NAME_PARTS_B))
    name = " ".join(parts)
    if r.random() < 0.8:
        name += " " + pick(r, LEGAL[lang if r.random() < 0.8 else pick(r, LANGS)])
    return name.upper() if r.random() < 0.35 else name


def address(r: random.Random, lang: str) -> list[str]:
    no = str(r.randint(1, 400))
    street = pick(r, STREETS[lang])
    line1 = f"{street} {no}" if lang in ("de", "nl", "es") else f"{no} {street}" if r.random() < 0.6 else f"NO.{no}, {street} {r.randint(1, 30)},"
    zipc = str(r.randint(10000, 99999)) if lang != "nl" else f"{r.randint(1000, 9999)} {pick(r, ['AB', 'CN', 'RX', 'KL', 'TT'])}"
    lines = [line1, f"{zipc} {pick(r, CITIES[lang])}"]
    c = pick(r, COUNTRIES[lang])
    if c:
        lines.append(c)
    return lines


def money(r: random.Random, lo=1.0, hi=2000.0, lang="en") -> str:
    v = round(r.uniform(lo, hi) if r.random() < 0.7 else r.uniform(lo, hi / 20), 2)
    s = f"{v:,.2f}"
    if lang in ("de", "es", "nl") or (lang == "fr" and r.random() < 0.7):
        s = s.replace(",", "X").replace(".", ",").replace("X", "." if lang != "fr" else " ")
    if r.random() < 0.3:
        s = s.replace(",", "") if lang == "en" else s.replace(".", "")
    return s


def date(r: random.Random, lang: str) -> str:
    d, m, y = r.randint(1, 28), r.randint(1, 12), r.randint(2012, 2026)
    k = r.randrange(6)
    if k == 0:
        return f"{d:02d}/{m:02d}/{y}"
    if k == 1:
        return f"{y}-{m:02d}-{d:02d}"
    if k == 2:
        return f"{d}. {MONTHS[lang][m - 1]} {y}" if lang == "de" else f"{d} {MONTHS[lang][m - 1]} {y}"
    if k == 3:
        return f"{d:02d}.{m:02d}.{y}"
    if k == 4:
        return f"{d:02d}-{m:02d}-{str(y)[2:]}" if r.random() < 0.5 else f"{m:02d}/{d:02d}/{y}"
    return f"{MONTHS[lang][m - 1][:3]} {d}, {y}" if lang == "en" else f"{d:02d}/{m:02d}/{str(y)[2:]}"


def code(r: random.Random, prefix_opts=("INV", "", "F", "2023/", "BLR_")) -> str:
    p = pick(r, list(prefix_opts))
    digits = "".join(r.choice(string.digits) for _ in range(r.randint(4, 10)))
    sep = pick(r, ["", "-", "/", ""]) if p else ""
    return f"{p}{sep}{digits}"


def taxid(r: random.Random, lang: str) -> str:
    cc = {"en": pick(r, ["GB", "", "", "MY"]), "de": "DE", "fr": "FR", "es": "ES", "nl": "NL"}[lang]
    return cc + "".join(r.choice(string.digits) for _ in range(r.randint(8, 11))) + (pick(r, ["B01", "", "-W", "-D"]) if r.random() < 0.4 else "")


def iban(r: random.Random, lang: str) -> str:
    cc = {"en": "GB", "de": "DE", "fr": "FR", "es": "ES", "nl": "NL"}[lang]
    body = "".join(r.choice(string.digits) for _ in range(18))
    s = f"{cc}{r.randint(10, 99)}{body}"
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4)) if r.random() < 0.5 else s


def kv(r: random.Random, k: str, v: str) -> str:
    return pick(r, [f"{k}: {v}", f"{k} {v}", f"{k}:\n{v}", f"{k} : {v}", f"{k}\t{v}"])


def layout_join(r: random.Random, left: list[str], right: list[str]) -> list[str]:
    """Two text columns side by side as `pdftotext -layout` prints them, or one after the other."""
    if r.random() < 0.5:
        return left + right if r.random() < 0.5 else right + left
    out = []
    for i in range(max(len(left), len(right))):
        a = left[i] if i < len(left) else ""
        b = right[i] if i < len(right) else ""
        out.append(a + " " * r.randint(4, 60) + b)
    return out


def table(r: random.Random, header: list[str], rows: list[list[str]], fragment_lines: bool) -> list[str]:
    if fragment_lines:  # SROIE / tesseract sparse style: one cell per line
        cells = list(header) if r.random() < 0.8 else []
        for row in rows:
            cells += row
        return cells
    sep = " " * r.randint(2, 10)
    out = [sep.join(header)] if r.random() < 0.9 else []
    for row in rows:
        out.append(sep.join(row))
    return out


def currency_fmt(r: random.Random, cur: str, amt: str) -> str:
    return pick(r, [f"{cur} {amt}", f"{amt} {cur}", amt, f"{cur}{amt}"])


# ---------------------------------------------------------------- document generators

FOOTERS = {
    "en": ["Please use the following communication for your payment: {n}", "Due to rising costs our payment terms have changed to 15 days.",
           "Registered in England and Wales, company number {n}. Registered office as above.", "For questions about this bill, call our customer service on {n}.",
           "The amount will be debited from your account on or after the due date.", "Goods remain our property until paid in full.",
           "Interest will be charged on overdue accounts at 2% per month.", "Unit amounts are rounded, so their sum may differ from the total.",
           "Incoterm: DAP - delivered at place", "This document was generated electronically and is valid without signature.",
           "Thank you for choosing us. Visit our website to manage your account and download past bills."],
    "de": ["Bitte geben Sie bei der Zahlung die Rechnungsnummer {n} an.", "Geschaftsfuhrer: {p}, Amtsgericht Frankfurt HRB {n}",
           "Der Betrag wird zum Falligkeitsdatum von Ihrem Konto abgebucht.", "Bei Fragen zu Ihrer Rechnung erreichen Sie unseren Kundenservice unter {n}.",
           "Die Ware bleibt bis zur vollstandigen Bezahlung unser Eigentum.", "Es gelten unsere Allgemeinen Geschaftsbedingungen.",
           "Steuerfreie innergemeinschaftliche Lieferung."],
    "fr": ["Les montants unitaires etant arrondis, leur somme peut differer du montant total a payer.", "La somme a payer sera prelevee sur le compte designe ci-dessous.",
           "Pour toute question concernant votre facture, contactez le Service Clients au {n}.", "SAS au capital de {n} euros - RCS Paris - Siege social: 8 rue de la Paix",
           "En cas de retard de paiement, une indemnite forfaitaire de 40 euros sera appliquee.", "Avis de prelevement automatique", "Au verso, vous trouverez le detail de votre facture."],
    "es": ["El importe se cargara en su cuenta en la fecha de vencimiento.", "Para cualquier consulta sobre su factura llame al {n}.",
           "Inscrita en el Registro Mercantil de Madrid, tomo {n}.", "En caso de impago se aplicaran los intereses de demora legales.",
           "Los importes unitarios estan redondeados."],
    "nl": ["Het bedrag wordt op de vervaldatum automatisch van uw rekening afgeschreven.", "Voor vragen over deze factuur kunt u bellen met onze klantenservice op {n}.",
           "Op al onze leveringen zijn de algemene voorwaarden van toepassing.", "Ingeschreven bij de Kamer van Koophandel onder nummer {n}.",
           "Vermeld bij betaling altijd het factuurnummer."],
}
SUBSCRIPTIONS = {
    "en": ["Monthly subscription", "Broadband 1 Gbit", "Line rental", "Calls", "Data usage", "Electricity consumption 320 kWh", "Standing charge",
           "Mobile plan unlimited", "Streaming add-on", "One-off services"],
    "de": ["Grundgebuhr", "Verbindungen", "Stromverbrauch 320 kWh", "Internet Flat", "Einmalige Leistungen", "Mobilfunk Tarif"],
    "fr": ["Abonnements, forfaits et options", "Communications", "Services ponctuels ou occasionnels", "Consommation electricite", "Forfait mobile"],
    "es": ["Cuota de abono", "Llamadas", "Consumo de electricidad", "Fibra 600 Mb", "Servicios puntuales"],
    "nl": ["Abonnement", "Gesprekken", "Stroomverbruik", "Internet glasvezel", "Eenmalige kosten"],
}
GOODS = ["Beeswax XL", "Office Chair", "Olive Oil", "Luxury Truffles", "Desk Organizer", "Steel Shelf", "Printer Ink Black", "LED Panel 60x60",
         "Garden Hose 20m", "Coffee Machine", "Tablet Case", "Laptop 15 inch", "Wooden Table", "Paint Roller", "Copper Pipe 15mm", "Safety Gloves"]
UNITS = ["Units", "pcs", "kg", "L", "g", "m", "h", "Stk.", "st.", "uds.", "pce"]


def footer(r: random.Random, lang: str) -> str:
    return pick(r, FOOTERS[lang]).format(n=r.randint(10000, 99999999), p=pick(r, PERSONS))


def gen_invoice(r: random.Random, lang: str) -> str:
    w = WORDS[lang]
    v = vendor(r, lang)
    cur = pick(r, CURRENCIES[lang])
    frag = r.random() < 0.35
    head = [v] + address(r, lang)
    if r.random() < 0.7:
        head.append(kv(r, pick(r, w["taxid"]), taxid(r, lang)))
    if r.random() < 0.4:
        head.append(pick(r, ["Tel", "Phone", "Tel.", "Telefoon", "Telefon"]) + f": +{r.randint(1, 99)} {r.randint(100, 999)} {r.randint(100000, 9999999)}")
    if r.random() < 0.3:
        head.append(f"www.{v.split()[0].lower()}.{pick(r, ['com', 'de', 'fr', 'es', 'nl', 'co.uk', 'my'])}")
    cust = [pick(r, w["bill_to"]) + (":" if r.random() < 0.5 else "")] + [pick(r, PERSONS)] + address(r, lang)
    if r.random() < 0.3:
        cust = cust[1:]
    inv_no = code(r, ("INV", "", "F", "2023/", "BLR_", "INV/2024/03/"))
    meta_kv = [(pick(r, w["inv_no"]), inv_no), (pick(r, w["date"]), date(r, lang))]
    if r.random() < 0.6:
        meta_kv.append((pick(r, w["due"]), date(r, lang)))
    if r.random() < 0.5:
        meta_kv.append((pick(r, w["customer_no"]), code(r, ("", "C", "K"))))
    if r.random() < 0.4:
        meta_kv.append((pick(r, w["order_no"] + ["Reference", "Referenz", "Reference"]), code(r, ("", "OD", "PO", "SO", "CUSTREF"))))
    r.shuffle(meta_kv)
    if r.random() < 0.3:  # labels on one line, values on the next, as columns of a PDF
        gap = " " * r.randint(3, 30)
        meta = [gap.join(k + ":" for k, _ in meta_kv), gap.join(x for _, x in meta_kv)]
    else:
        meta = [kv(r, k, x) for k, x in meta_kv]
    title = pick(r, w["invoice"])
    lines = [title] if r.random() < 0.4 else []
    lines += layout_join(r, head, cust)
    if title not in lines:
        lines.append(title + (f" {inv_no}" if r.random() < 0.3 else ""))
    lines += meta
    rows = []
    kind = r.random()
    for i in range(r.randint(1, 9)):
        if kind < 0.25:
            item = pick(r, SUBSCRIPTIONS[lang])
        elif kind < 0.5:
            item = (f"[{code(r, ('', 'FURN_', 'SKU'))}] " if r.random() < 0.5 else "") + pick(r, GOODS)
        else:
            item = pick(r, ITEMS[lang])
        q = str(r.randint(1, 20)) if r.random() < 0.6 else f"{r.randint(1, 20)}.00 {pick(r, UNITS)}"
        row = ([str(i + 1)] if r.random() < 0.3 else []) + [item, q, money(r, 1, 500, lang)]
        if kind > 0.8:
            row += [f"{r.choice([0, 0, 5, 10])}.00", pick(r, ["15.00%", "20%", "19%", "21%", "7%", "0%"])]
        row.append(currency_fmt(r, cur, money(r, 1, 3000, lang)) if r.random() < 0.3 else money(r, 1, 3000, lang))
        rows.append(row)
        if r.random() < 0.1:
            rows.append([pick(r, ["Our product is delivered in a re-usable container", "incl. installation", "period 01/03 - 31/03", "--- Non Food ---"])])
    hdr = [pick(r, w["desc"]), pick(r, w["qty"]), pick(r, w["unit"])] + (["Disc.%", pick(r, ["Taxes", "VAT", "MwSt", "TVA", "IVA", "BTW"])] if kind > 0.8 else []) + [pick(r, w["amount"])]
    lines += table(r, hdr, rows, frag)
    sub, tax, tot = money(r, 10, 9000, lang), money(r, 1, 900, lang), money(r, 10, 9900, lang)
    lines += [kv(r, pick(r, w["subtotal"]), currency_fmt(r, cur, sub)), kv(r, pick(r, w["tax"]), currency_fmt(r, cur, tax)),
              kv(r, pick(r, w["total"]), currency_fmt(r, cur, tot))]
    if r.random() < 0.6:
        lines.append(pick(r, w["terms"]))
    if r.random() < 0.5:
        lines.append(kv(r, "IBAN", iban(r, lang)))
        if r.random() < 0.5:
            lines.append(kv(r, "BIC", "".join(r.choice(string.ascii_uppercase) for _ in range(8))))
    for _ in range(r.randint(0, 5) if r.random() < 0.6 else 0):
        lines.append(footer(r, lang))
    if r.random() < 0.3:
        lines.append(pick(r, ["Page 1 of 1", "Seite 1", "Page: 1 / 1", "Pagina 1", "Pagina 1 van 1", "Page 2 / 2"]))
    if r.random() < 0.15:  # hotel/booking style invoices ("payment receipt" headed, like some marketplaces)
        lines.insert(0, pick(r, ["PAYMENT RECEIPT", "Booking confirmation", "Order summary"]))
        lines.append(pick(r, ["Please ask for invoice at check-out.", "This is a computer generated invoice.", "Invoice issued on behalf of the seller."]))
    return "\n".join(lines)


# Bills that are invoices but look little like a shop's: insurance premiums, utilities, rent, telecom, travel.
# Each entry: titles, item lines, extra meta labels.
BILLS = {
    "en": {
        "insurance": (["Premium Notice", "Insurance Invoice", "Renewal Invoice"], ["Annual premium", "Insurance premium tax 12%", "Policy fee", "Third-party liability cover", "Contents insurance"], ["Policy number", "Insured", "Period of cover"]),
        "utility": (["Electricity Bill", "Gas Bill", "Water Bill", "Energy Statement and Invoice"], ["Units used 1,245 kWh", "Standing charge 31 days", "Unit rate", "Climate change levy", "Previous reading", "Current reading"], ["Meter number", "Account number", "Supply address", "Billing period"]),
        "rent": (["Rent Invoice", "Invoice for Rent", "Service Charge Invoice"], ["Monthly rent", "Service charge", "Parking space", "Utilities advance"], ["Property", "Tenant", "Rental period", "Lease reference"]),
        "telecom": (["Your Bill", "Mobile Phone Invoice", "Broadband Invoice"], ["Monthly plan", "Calls to mobiles", "Data roaming", "Handset instalment", "Line rental", "Out-of-bundle usage"], ["Account number", "Phone number", "Bill period", "Customer ID"]),
        "travel": (["Travel Invoice", "Invoice - Business Travel", "Booking Invoice"], ["Flight LHR-FRA economy", "Hotel accommodation 2 nights", "Rail ticket", "Car rental", "Service fee", "Mileage 230 km"], ["Traveller", "Booking reference", "Travel dates", "Cost centre"]),
    },
    "de": {
        "insurance": (["Beitragsrechnung", "Versicherungsrechnung", "Beitragsmitteilung und Rechnung"], ["Jahresbeitrag", "Versicherungsteuer 19%", "Haftpflichtversicherung", "Hausratversicherung", "Ratenzuschlag"], ["Versicherungsschein-Nr.", "Versicherungsnehmer", "Versicherungszeitraum", "Mitgliedsnummer"]),
        "utility": (["Stromrechnung", "Jahresabrechnung Strom", "Gasrechnung", "Abschlagsrechnung", "Verbrauchsabrechnung"], ["Arbeitspreis 3.245 kWh", "Grundpreis 12 Monate", "Abschlag", "Stromsteuer", "Zahlerstand alt", "Zahlerstand neu", "Netzentgelt"], ["Zahlernummer", "Vertragskonto", "Lieferstelle", "Abrechnungszeitraum"]),
        "rent": (["Mietrechnung", "Rechnung Miete", "Nebenkostenabrechnung"], ["Miete Buroflache", "Nebenkostenvorauszahlung", "Stellplatz", "Heizkosten"], ["Mietobjekt", "Mieter", "Mietzeitraum", "Vertragsnummer"]),
        "telecom": (["Mobilfunkrechnung", "Ihre Rechnung", "Telefonrechnung"], ["Grundgebuhr Tarif", "Verbindungen Inland", "Datenvolumen", "Roaming EU", "Rufnummernanzeige"], ["Kundenkonto", "Rufnummer", "Rechnungszeitraum", "Kundennummer"]),
        "travel": (["Rechnung Reise", "Reiserechnung", "Rechnung Geschaftsreise"], ["Flug FRA-BER", "Hotelubernachtung 2 Nachte", "Bahnfahrt ICE 2. Klasse", "Mietwagen", "Servicegebuhr", "Kilometerpauschale 230 km"], ["Reisender", "Buchungsnummer", "Reisezeitraum", "Kostenstelle"]),
    },
    "fr": {
        "insurance": (["Avis d'echeance", "Appel de cotisation", "Facture d'assurance"], ["Cotisation annuelle", "Taxe sur les conventions d'assurance", "Frais de dossier", "Garantie responsabilite civile"], ["N° de contrat", "Assure", "Periode de garantie", "N° adherent"]),
        "utility": (["Facture d'electricite", "Facture de gaz", "Facture d'eau", "Votre facture d'energie"], ["Consommation 1 245 kWh", "Abonnement", "Contribution au service public", "Ancien index", "Nouvel index", "Acheminement"], ["N° de compteur", "Reference client", "Point de livraison", "Periode de consommation"]),
        "rent": (["Facture de loyer", "Avis d'echeance de loyer", "Appel de loyer"], ["Loyer mensuel", "Provision pour charges", "Parking", "Taxe ordures menageres"], ["Bien loue", "Locataire", "Periode", "Reference du bail"]),
        "telecom": (["Votre facture", "Facture mobile", "Facture Internet"], ["Forfait mensuel", "Communications hors forfait", "Option international", "Location box", "Services ponctuels"], ["Numero de ligne", "Identifiant", "Periode de facturation", "N° client"]),
        "travel": (["Facture de voyage", "Facture deplacement", "Facture agence de voyages"], ["Billet de train Paris-Lyon", "Nuitee hotel", "Vol CDG-MAD", "Location de voiture", "Frais de service", "Indemnites kilometriques"], ["Voyageur", "Reference de reservation", "Dates du voyage", "Centre de cout"]),
    },
    "es": {
        "insurance": (["Aviso de cobro", "Factura de seguro", "Recibo de prima de seguro"], ["Prima anual", "Impuesto sobre primas", "Recargo consorcio", "Seguro de responsabilidad civil"], ["Poliza n°", "Tomador", "Periodo de cobertura"]),
        "utility": (["Factura de luz", "Factura de gas", "Factura de agua", "Factura de electricidad"], ["Consumo 1.245 kWh", "Potencia contratada", "Impuesto electrico", "Alquiler de contador", "Lectura anterior", "Lectura actual"], ["CUPS", "N° de contrato", "Periodo de facturacion", "Direccion de suministro"]),
        "rent": (["Factura de alquiler", "Factura arrendamiento"], ["Renta mensual", "Gastos de comunidad", "Plaza de garaje", "Retencion IRPF 19%"], ["Inmueble", "Arrendatario", "Periodo", "Contrato n°"]),
        "telecom": (["Factura de telefonia", "Su factura", "Factura movil"], ["Cuota mensual", "Llamadas nacionales", "Datos adicionales", "Roaming", "Cuota de linea"], ["Linea", "N° de cliente", "Periodo de facturacion"]),
        "travel": (["Factura de viaje", "Factura agencia de viajes"], ["Billete de avion MAD-BCN", "Hotel 2 noches", "Billete AVE", "Alquiler de coche", "Cargo por gestion", "Kilometraje"], ["Viajero", "Localizador", "Fechas del viaje", "Centro de coste"]),
    },
    "nl": {
        "insurance": (["Premienota", "Polisfactuur", "Factuur verzekering"], ["Jaarpremie", "Assurantiebelasting 21%", "Poliskosten", "Aansprakelijkheidsverzekering"], ["Polisnummer", "Verzekeringnemer", "Verzekeringsperiode"]),
        "utility": (["Jaarnota", "Energierekening", "Factuur energie", "Voorschotnota"], ["Levering stroom 1.245 kWh", "Vastrecht", "Netbeheerkosten", "Energiebelasting", "Vermindering energiebelasting", "Meterstand oud"], ["EAN-code", "Klantnummer", "Leveringsadres", "Periode"]),
        "rent": (["Huurfactuur", "Factuur huur", "Huurnota"], ["Huur bedrijfsruimte", "Servicekosten", "Parkeerplaats", "Voorschot energie"], ["Huurobject", "Huurder", "Huurperiode", "Contractnummer"]),
        "telecom": (["Uw factuur", "Factuur mobiel", "Telefoonrekening"], ["Abonnementskosten", "Bellen buiten bundel", "Extra data", "Toestelkrediet", "Roaming"], ["Telefoonnummer", "Klantnummer", "Factuurperiode"]),
        "travel": (["Reisfactuur", "Factuur zakenreis"], ["Vlucht AMS-LHR", "Hotelovernachting 2 nachten", "Treinkaartje", "Huurauto", "Servicekosten", "Kilometervergoeding"], ["Reiziger", "Boekingsnummer", "Reisdata", "Kostenplaats"]),
    },
}


def gen_bill(r: random.Random, lang: str) -> str:
    """An invoice for insurance, energy, rent, telecom or travel: a provider's letterhead, the customer's address,
    account/contract references, a few charge lines, a total and how it is paid (debit or transfer)."""
    w = WORDS[lang]
    kind = pick(r, sorted(BILLS[lang]))
    titles, items, metas = BILLS[lang][kind]
    v = vendor(r, lang)
    cur = pick(r, CURRENCIES[lang])
    head = [v] + address(r, lang)
    cust = [pick(r, PERSONS)] + address(r, lang)
    lines = layout_join(r, head, cust) if r.random() < 0.6 else head + cust
    title = pick(r, titles)
    lines.append(title if r.random() < 0.7 else f"{title} {pick(r, MONTHS[lang])} {r.randint(2015, 2026)}")
    meta = [(pick(r, w["inv_no"]), code(r, ("", "RE", "INV", "F", "2024-"))), (pick(r, w["date"]), date(r, lang))]
    for k in r.sample(metas, r.randint(1, len(metas))):
        meta.append((k, code(r, ("", "", "VS", "K")) if r.random() < 0.6 else f"{date(r, lang)} - {date(r, lang)}"))
    if r.random() < 0.6:
        meta.append((pick(r, w["due"]), date(r, lang)))
    r.shuffle(meta)
    lines += [kv(r, k, x) for k, x in meta]
    rows = [[pick(r, items), money(r, 1, 900, lang)] for _ in range(r.randint(1, 6))]
    lines += table(r, [pick(r, w["desc"]), pick(r, w["amount"])], rows, r.random() < 0.3)
    if r.random() < 0.7:
        lines.append(kv(r, pick(r, w["subtotal"]), currency_fmt(r, cur, money(r, 10, 3000, lang))))
        lines.append(kv(r, pick(r, w["tax"]), currency_fmt(r, cur, money(r, 1, 500, lang))))
    lines.append(kv(r, pick(r, w["total"]), currency_fmt(r, cur, money(r, 10, 3500, lang))))
    if r.random() < 0.7:
        lines.append(kv(r, "IBAN", iban(r, lang)))
    if r.random() < 0.5:
        lines.append(kv(r, pick(r, w["taxid"]), taxid(r, lang)))
    lines.append(pick(r, w["terms"]))
    for _ in range(r.randint(0, 4)):
        lines.append(footer(r, lang))
    return "\n".join(lines)


def gen_short_invoice(r: random.Random, lang: str) -> str:
    """A short invoice (one service, a handful of lines): what makes it an invoice is its cues (a number, a due date,
    bill-to, a VAT ID, an IBAN, payment terms), never its length."""
    w = WORDS[lang]
    cur = pick(r, CURRENCIES[lang])
    lines = [vendor(r, lang)]
    if r.random() < 0.5:
        lines += address(r, lang)[:1 + (r.random() < 0.5)]
    lines.append(pick(r, w["invoice"]))
    cues = [kv(r, pick(r, w["inv_no"]), code(r)), kv(r, pick(r, w["due"]), date(r, lang)),
            kv(r, pick(r, w["bill_to"]), pick(r, PERSONS)), kv(r, pick(r, w["taxid"]), taxid(r, lang)),
            kv(r, "IBAN", iban(r, lang)), pick(r, w["terms"])]
    picked = r.sample(cues, r.randint(2, 4))
    if cues[0] not in picked and r.random() < 0.7:
        picked.insert(0, cues[0])
    lines.append(kv(r, pick(r, w["date"]), date(r, lang)))
    lines += picked[:2]
    lines.append(f"{pick(r, ITEMS[lang] + SUBSCRIPTIONS[lang])}  {money(r, 5, 900, lang)}")
    lines.append(kv(r, pick(r, w["total"]), currency_fmt(r, cur, money(r, 5, 1200, lang))))
    lines += picked[2:]
    return "\n".join(lines)


def gen_invoice_like_credit(r: random.Random, lang: str) -> str:
    """A credit note laid out exactly like the producer's invoices: invoice columns, a credit title, a reference to
    the invoice it corrects, amounts often negative."""
    text = gen_invoice(r, lang)
    w = WORDS[lang]
    out = []
    titled = False
    negate = r.random() < 0.6
    for line in text.split("\n"):
        st = line.strip()
        for t in sorted(w["invoice"], key=len, reverse=True):
            if not titled and (st == t or (st.startswith(t + " ") and len(st) < len(t) + 25)):
                line = line.replace(t, pick(r, w["credit"]), 1)
                titled = True
                break
        for t in w["inv_no"]:
            if line.startswith(t):
                line = pick(r, w["credit_no"]) + line[len(t):]
        if negate:
            line = re.sub(r"(?<![\d.,/-])(\d{1,3}(?:[.,\s]\d{3})*[.,]\d{2})(?![\d.,/-])", lambda m: "-" + m.group(1), line)
        out.append(line)
    if not titled:
        out.insert(0, pick(r, w["credit"]))
    k = r.randrange(1, max(2, min(len(out), 8)))
    out.insert(k, kv(r, pick(r, w["credit_ref"]), code(r, ("INV", "RE", "F", "FA-", ""))))
    if r.random() < 0.6:
        out.insert(k + 1, pick(r, w["credit_misc"]))
    return "\n".join(out)


def gen_receipt(r: random.Random, lang: str) -> str:
    w = WORDS[lang]
    v = vendor(r, lang)
    cur = pick(r, CURRENCIES[lang])
    frag = r.random() < 0.6
    lines = []
    if r.random() < 0.3:
        lines.append(pick(r, PERSONS).upper())
    lines.append(v)
    if r.random() < 0.5:
        lines.append(f"({pick(r, ['CO. REG', 'Co Reg No', 'ROC', 'Company No'])} : {r.randint(100000, 999999)}-{pick(r, ['W', 'D', 'X', 'K'])})")
    lines += [a.upper() if r.random() < 0.5 else a for a in address(r, lang)]
    if r.random() < 0.6:
        lines.append(kv(r, pick(r, ["GST REG NO", "GST ID", "Tax ID", "USt-IdNr.", "TVA", "CIF", "BTW"]), taxid(r, lang)))
    if r.random() < 0.4:
        lines.append(f"TEL: {r.randint(10, 99)}-{r.randint(1000000, 9999999)}")
    lines.append(pick(r, w["receipt"]))
    meta = [kv(r, pick(r, w["r_misc"]), code(r, ("", "R", "T", "CS"))), kv(r, pick(r, w["date"]), date(r, lang)),
            f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}" + (f":{r.randint(0, 59):02d}" if r.random() < 0.5 else "")]
    if r.random() < 0.5:
        meta.append(kv(r, pick(r, w["r_misc"]), pick(r, PERSONS).split()[0].upper()))
    r.shuffle(meta)
    lines += meta
    rows = []
    for _ in range(r.randint(1, 12)):
        q = r.randint(1, 5)
        item = pick(r, RECEIPT_ITEMS)
        if r.random() < 0.3:
            item = f"{r.randint(1000000000000, 9999999999999)}\n{item}" if frag else f"{item} {r.randint(1000, 99999)}"
        p = money(r, 0.5, 80, lang)
        rows.append([item, str(q), pick(r, ["X", "x", "@", ""]), p, money(r, 0.5, 200, lang)] if r.random() < 0.6 else [item, money(r, 0.5, 80, lang)])
    hdr = pick(r, [["QTY", "DESC", "AMT"], ["Item", "Qty", "Price", "Total"], ["CODE/DESC", "PRICE", "DISC", "AMOUNT", "QTY", cur], ["Art.", "Menge", "Betrag"]])
    lines += table(r, hdr, rows, frag)
    tot = money(r, 1, 500, lang)
    if r.random() < 0.5:
        lines.append(kv(r, pick(r, ["Sub Total", "SUBTOTAL", "Zwischensumme", "Sous-total", "Subtotal", "Subtotaal"]), money(r, 1, 500, lang)))
    if r.random() < 0.5:
        lines.append(kv(r, pick(r, w["tax"] + ["GST", "SR 6%", "Total GST"]), money(r, 0.1, 50, lang)))
    if r.random() < 0.4:
        lines.append(kv(r, pick(r, ["ROUNDING ADJUSTMENT", "Rounding", "Rundung", "Arrondi", "Redondeo", "Afronding"]), money(r, 0.01, 0.04, lang)))
    lines.append(kv(r, pick(r, ["TOTAL", "Total", "TOTAL ROUNDED", "Total Amount", "SUMME", "Summe", "TOTAL TTC", "TOTAL EUR", "Totaal", "Nett Total"]),
                    currency_fmt(r, cur, tot)))
    for _ in range(r.randint(1, 3)):
        lines.append(kv(r, pick(r, w["r_pay"]), currency_fmt(r, cur, money(r, 0, 500, lang))))
    if r.random() < 0.4:
        lines.append(f"ITEM(S) : {r.randint(1, 12)}" if r.random() < 0.5 else f"QTY: {r.randint(1, 20)}")
    if r.random() < 0.3:
        lines.append(f"{pick(r, ['CARD NO', 'Card', 'Karte', 'Carte'])}: ************{r.randint(1000, 9999)}")
        lines.append(pick(r, ["APPROVED", "AUTH CODE " + str(r.randint(100000, 999999)), "Contactless", "Signature not required"]))
    for _ in range(r.randint(0, 3)):
        lines.append(pick(r, w["r_end"]))
    return "\n".join(lines)


def gen_purchase_order(r: random.Random, lang: str) -> str:
    w = WORDS[lang]
    buyer, supplier = vendor(r, lang), vendor(r, lang)
    cur = pick(r, CURRENCIES[lang])
    frag = r.random() < 0.3
    lines = [pick(r, w["po"])] if r.random() < 0.6 else []
    lines += layout_join(r, [buyer] + address(r, lang), [pick(r, w["po_misc"][1:2] + ["Vendor", "Supplier", "To"]) + ":", supplier] + address(r, lang))
    if not lines or lines[0] not in w["po"]:
        lines.append(pick(r, w["po"]))
    meta = [kv(r, pick(r, w["po_no"]), code(r, ("PO", "P", "", "BE", "4500"))), kv(r, pick(r, w["date"]), date(r, lang))]
    for k in r.sample(w["po_misc"], r.randint(1, 4)):
        meta.append(kv(r, k, pick(r, PERSONS) if r.random() < 0.5 else date(r, lang)))
    if r.random() < 0.5:
        meta.append(pick(r, w["ship_to"]) + ": " + ", ".join(address(r, lang)))
    r.shuffle(meta)
    lines += meta
    rows = []
    for i in range(r.randint(1, 9)):
        rows.append([str(i + 1), code(r, ("", "SKU", "ART")), pick(r, ITEMS[lang]), str(r.randint(1, 200)), money(r, 1, 500, lang), money(r, 1, 5000, lang)])
    lines += table(r, ["#", "Item", pick(r, w["desc"]), pick(r, w["qty"]), pick(r, w["unit"]), pick(r, w["amount"])], rows, frag)
    if r.random() < 0.6:
        lines.append(kv(r, pick(r, w["subtotal"]), currency_fmt(r, cur, money(r, 10, 9000, lang))))
    lines.append(kv(r, pick(r, w["total"] + ["Order Total", "Total order value", "Bestellwert", "Total commande", "Total pedido", "Totaal order"]),
                    currency_fmt(r, cur, money(r, 10, 20000, lang))))
    for t in r.sample(w["po_terms"], r.randint(1, len(w["po_terms"]))):
        lines.append(t)
    if r.random() < 0.3:
        lines.append(footer(r, lang))
    return "\n".join(lines)


def gen_credit_note(r: random.Random, lang: str) -> str:
    w = WORDS[lang]
    v = vendor(r, lang)
    cur = pick(r, CURRENCIES[lang])
    frag = r.random() < 0.3
    title = pick(r, w["credit"])
    lines = [title] if r.random() < 0.5 else []
    lines += layout_join(r, [v] + address(r, lang), [pick(r, w["bill_to"]), pick(r, PERSONS)] + address(r, lang))
    if title not in lines:
        lines.append(title)
    meta = [kv(r, pick(r, w["credit_no"]), code(r, ("CN", "GS", "AV", "CR", ""))), kv(r, pick(r, w["date"]), date(r, lang)),
            kv(r, pick(r, w["credit_ref"]), code(r, ("INV", "RE", "F", "")))]
    if r.random() < 0.5:
        meta.append(kv(r, pick(r, w["taxid"]), taxid(r, lang)))
    if r.random() < 0.4:
        meta.append(kv(r, pick(r, w["customer_no"]), code(r, ("", "C"))))
    r.shuffle(meta)
    lines += meta
    lines.append(pick(r, w["credit_misc"]))
    rows = []
    for _ in range(r.randint(1, 5)):
        neg = "-" if r.random() < 0.6 else ""
        rows.append([pick(r, ITEMS[lang]), str(r.randint(1, 10)), money(r, 1, 500, lang), neg + money(r, 1, 2000, lang)])
    lines += table(r, [pick(r, w["desc"]), pick(r, w["qty"]), pick(r, w["unit"]), pick(r, w["amount"])], rows, frag)
    neg = "-" if r.random() < 0.5 else ""
    lines += [kv(r, pick(r, w["tax"]), neg + money(r, 1, 400, lang)),
              kv(r, pick(r, w["total"] + ["Total credit", "Gutschriftsbetrag", "Total avoir", "Total abono", "Totaal credit"]),
                 currency_fmt(r, cur, neg + money(r, 1, 5000, lang)))]
    if r.random() < 0.5:
        lines.append(pick(r, w["credit_misc"]))
    for _ in range(r.randint(0, 3) if r.random() < 0.4 else 0):
        lines.append(footer(r, lang))
    return "\n".join(lines)


def gen_bank_statement(r: random.Random, lang: str) -> str:
    w = WORDS[lang]
    bank = pick(r, ["Bank", "Banque", "Banco", "Sparkasse", "Volksbank", "Caja", "Credit", "Savings Bank"]) + " " + pick(r, NAME_PARTS_A)
    bank = bank.upper() if r.random() < 0.4 else bank
    frag = r.random() < 0.3
    lines = [bank] + (address(r, lang) if r.random() < 0.6 else [])
    lines.append(pick(r, w["stmt"]))
    lines += [pick(r, PERSONS)] + address(r, lang)
    meta = [kv(r, pick(r, w["stmt_misc"][:]), code(r, ("", "", "00"))), kv(r, "IBAN", iban(r, lang))]
    if r.random() < 0.6:
        meta.append(kv(r, pick(r, w["stmt_misc"]), f"{date(r, lang)} - {date(r, lang)}"))
    r.shuffle(meta)
    lines += meta
    lines.append(kv(r, pick(r, w["stmt_misc"][:2] + w["stmt_misc"]), money(r, 0, 20000, lang)))
    cols = r.sample(w["stmt_cols"], min(len(w["stmt_cols"]), r.randint(3, 6)))
    rows = []
    for _ in range(r.randint(3, 18)):
        tx = pick(r, w["stmt_tx"])
        if r.random() < 0.6:
            tx += " " + pick(r, [vendor(r, lang), pick(r, PERSONS), code(r, ("REF", "", "SEPA")), pick(r, CITIES[lang])])
        row = [date(r, lang) if r.random() < 0.5 else f"{r.randint(1, 28):02d}.{r.randint(1, 12):02d}", tx, money(r, 0.5, 3000, lang)]
        if r.random() < 0.7:
            row.append(money(r, 0, 20000, lang))
        rows.append(row)
    lines += table(r, cols, rows, frag)
    lines.append(kv(r, pick(r, w["stmt_misc"][:2] + w["stmt_misc"]), money(r, 0, 20000, lang)))
    if r.random() < 0.4:
        lines.append(pick(r, w["stmt_misc"]))
    return "\n".join(lines)


def gen_other(r: random.Random, lang: str) -> str:
    k = r.random()
    lines: list[str] = []
    if k < 0.05:  # blank or nearly blank page
        return pick(r, ["", " ", "\n", "1", "-", "Page 2", ".", "|", "~"])
    if k < 0.12:  # garbage OCR of an image or a font without a unicode map
        n = r.randint(5, 80)
        pool = string.ascii_letters + string.digits + string.punctuation + " \n" + "\u4e00\u4e8c\u4e09\u6c34\u706b\u6728\u91d1\u571f\u4f60\u597d\u7a7a\u98a8\u96f2\u00e9\u00e8\u00fc\u00df\u2014"
        return "".join(r.choice(pool) for _ in range(n))
    if k < 0.2:  # chart / figure labels
        for _ in range(r.randint(3, 15)):
            lines.append(pick(r, [str(r.randint(0, 500)), pick(r, PROSE_WORDS[lang]).capitalize(), "Figure " + str(r.randint(1, 9)),
                                  f"[note {r.randint(1, 5)}]", f"{r.randint(0, 100)}%", "+", "|", "Percentage", "Total", "Year " + str(r.randint(1900, 2025))]))
        return "\n".join(lines)
    if k < 0.32:  # a form
        lines.append(pick(r, OTHER_TITLES[lang]))
        for f in r.sample(FORM_FIELDS[lang], r.randint(3, len(FORM_FIELDS[lang]))):
            lines.append(f + ": " + pick(r, ["__________", pick(r, PERSONS), date(r, lang), ", ".join(address(r, lang)), ""]))
        return "\n".join(lines)
    # letters, articles, manuals, minutes: prose (sentences plus word salad from the same language)
    if r.random() < 0.7:
        lines.append(pick(r, OTHER_TITLES[lang]))
    if r.random() < 0.3:
        lines += [vendor(r, lang)] + address(r, lang) + [date(r, lang)]
    for _ in range(r.randint(2, 14)):
        if r.random() < 0.6:
            s = pick(r, PROSE[lang])
        else:
            ws = [pick(r, PROSE_WORDS[lang]) for _ in range(r.randint(4, 16))]
            s = " ".join(ws).capitalize() + "."
        if r.random() < 0.15:
            s = f"{r.randint(1, 12)}. " + s
        if r.random() < 0.1:
            s += f" {r.randint(1, 300)} {pick(r, ['km', 'kg', 'mm', 'ms', '%', 'MB', 'Hz'])}"
        lines.append(s)
    if r.random() < 0.3:
        lines.append(str(r.randint(1, 300)))  # page number
    if r.random() < 0.15:  # a price mention in ordinary prose
        lines.append(pick(r, ["Tickets cost 12.50 at the door.", "Der Eintritt kostet 8 Euro.", "Le prix est de 20 euros.",
                              "La entrada cuesta 10 euros.", "De toegang kost 7,50 euro."]))
    text = "\n".join(lines)
    if r.random() < 0.5:  # book scans: hard line wrapping at a fixed width
        import textwrap
        text = "\n".join(textwrap.wrap(text.replace("\n", " "), r.randint(40, 100)))
    return text


CORRECTIVE = {"en": ["Corrective invoice", "Corrected invoice"], "de": ["Rechnungskorrektur", "RECHNUNGS-KORREKTUR", "Korrekturrechnung"],
              "fr": ["Facture rectificative", "Facture corrective"], "es": ["Factura rectificativa"], "nl": ["Correctiefactuur"]}


def gen_corrective_invoice(r: random.Random, lang: str) -> str:
    """A corrected invoice (EN 16931 type 384): an invoice that replaces an earlier one; judged as an invoice, not a
    credit note, even where its amounts are negative."""
    text = gen_invoice(r, lang)
    title = pick(r, CORRECTIVE[lang])
    lines = text.split("\n")
    for i, line in enumerate(lines):
        st = line.strip()
        if any(st == t or (st.startswith(t + " ") and len(st) < len(t) + 25) for t in WORDS[lang]["invoice"]):
            lines[i] = title
            break
    else:
        lines.insert(0, title)
    lines.insert(r.randrange(1, max(2, min(len(lines), 8))), kv(r, pick(r, WORDS[lang]["credit_ref"]), code(r, ("INV", "RE", "R", "F", ""))))
    return "\n".join(lines)


def gen_any_invoice(r: random.Random, lang: str) -> str:
    k = r.random()
    if k < 0.3:
        return gen_bill(r, lang)
    if k < 0.45:
        return gen_short_invoice(r, lang)
    return gen_corrective_invoice(r, lang) if k < 0.5 else gen_invoice(r, lang)


def gen_any_credit_note(r: random.Random, lang: str) -> str:
    return gen_invoice_like_credit(r, lang) if r.random() < 0.5 else gen_credit_note(r, lang)


GENERATORS = {
    "invoice": gen_any_invoice,
    "receipt": gen_receipt,
    "purchase_order": gen_purchase_order,
    "credit_note": gen_any_credit_note,
    "bank_statement": gen_bank_statement,
    "other": gen_other,
}

# ---------------------------------------------------------------- OCR-like noise

CONFUSIONS = [("0", "O"), ("O", "0"), ("1", "l"), ("l", "1"), ("I", "l"), ("1", "I"), ("5", "S"), ("S", "5"), ("8", "B"),
              ("B", "8"), ("m", "rn"), ("rn", "m"), ("e", "c"), ("c", "e"), ("a", "o"), ("u", "v"), ("h", "b"), ("i", "l"),
              (",", "."), (".", ","), (":", ";"), ("g", "q"), ("2", "Z"), ("6", "b"), ("D", "O"), ("H", "N"), ("R", "K")]


def ocr_noise(r: random.Random, text: str, level: float) -> str:
    """Character confusions, dropped/merged spaces, random case, broken and merged lines, junk."""
    if level <= 0 or not text:
        return text
    out_lines = []
    for line in text.split("\n"):
        if r.random() < 0.05 * level:
            continue  # a line the OCR missed
        chars = list(line)
        i = 0
        buf = []
        while i < len(chars):
            c = chars[i]
            x = r.random()
            if x < 0.03 * level:
                for a, b in CONFUSIONS:
                    if line.startswith(a, i):
                        buf.append(b)
                        i += len(a)
                        break
                else:
                    buf.append(c)
                    i += 1
                continue
            if c == " " and x < 0.08 * level:
                i += 1  # dropped space
                continue
            if x > 1 - 0.01 * level:
                buf.append(pick(r, [" ", "'", ".", ",", "~", "|", "-", "_"]))  # speck
            if x > 1 - 0.005 * level:
                i += 1  # dropped char
                continue
            buf.append(c)
            i += 1
        s = "".join(buf)
        if r.random() < 0.05 * level:
            s = s.upper() if r.random() < 0.5 else s.lower()
        if r.random() < 0.04 * level and len(s) > 8:
            cut = r.randrange(1, len(s) - 1)
            out_lines += [s[:cut], s[cut:]]  # broken line
            continue
        out_lines.append(s)
    if len(out_lines) > 3 and r.random() < 0.3 * level:  # two lines read as one
        j = r.randrange(len(out_lines) - 1)
        out_lines[j:j + 2] = [out_lines[j] + " " + out_lines[j + 1]]
    if r.random() < 0.2 * level:
        out_lines = [l.strip() for l in out_lines if l.strip()]
    return "\n".join(out_lines)


def generate(r: random.Random, label: str) -> str:
    lang = pick(r, LANGS) if r.random() < 0.75 else "en"
    text = GENERATORS[label](r, lang)
    level = pick(r, [0.0, 0.0, 0.5, 1.0, 1.5, 2.5])
    return ocr_noise(r, text, level)


if __name__ == "__main__":
    rr = random.Random(1)
    for lab in GENERATORS:
        print("=" * 20, lab)
        print(generate(rr, lab)[:800])
