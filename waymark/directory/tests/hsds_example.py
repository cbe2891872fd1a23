"""The single-value fields of every object in HSDS 3.0's example full service record.

Copied from ``examples/service_full.json`` of the Human Services Data Specification 3.0
(https://github.com/openreferral/specification, branch 3.0, commit 279fd2eb), licensed CC BY-SA
4.0. "Human Services Data Specification: an Open Referral resource (https://openreferral.org/)".

In the example the same phone, language, contact, location and schedule (same ids) appear
nested under several parents: the service, its organisation, the service at location and the
location. They are one record each, linked to all those parents, so each appears here once.
"""

ORGANIZATION = {
    "id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
    "name": "Example Organization Inc.",
    "alternate_name": "Example Org",
    "description": "Example Org is a non-profit organization dedicated to providing services to qualified "
    "beneficiaries",
    "email": "email@example.com",
    "website": "http://example.com",
    "tax_status": "tax_status",
    "year_incorporated": 2011,
    "legal_status": "Limited Company",
    "logo": "https://openreferral.org/wp-content/uploads/2018/02/OpenReferral_Logo_Green-4-1.png",
    "uri": "http://example.com",
    "parent_organization_id": "cd09a387-91f4-4555-94ec-e799c35344cd",
}
ORGANIZATION_IDENTIFIER = {
    "id": "d4dbcebc-0802-47cb-8651-b937ac4f2f3e",
    "identifier_scheme": "GB-COH",
    "identifier_type": "Company number",
    "identifier": "1234567",
}
PROGRAM = {
    "id": "e7ec2e57-4540-43fa-b2c7-6be5a0ef7f42",
    "name": "Community Mental Health Support",
    "alternate_name": "MyCity Mental Health Group",
    "description": "Comprehensive Mental Health Services available to residents of MyCity including CBT and "
    "Counselling. This is not an emergency service and should not be used as an alternative to "
    "hospital and GP services.",
}
FUNDING = {
    "id": "1f2df32c-bf08-4b8e-bd6f-e834014b19bc",
    "source": "This service is funded partially by the MyCity local government and via grants made by charity "
    "funding bodies. We also operate a for-profit department which is used to partially cover the "
    "expense of the public service",
}
SERVICE = {
    "id": "ac148810-d857-441c-9679-408f346de14b",
    "name": "Community Counselling",
    "alternate_name": "MyCity Counselling Services",
    "description": "Counselling Services provided by trained professionals. Suitable for people with mental "
    "health conditions such as anxiety, depression, or eating disorders as well as people "
    "experiencing difficult life events and circumstances. ",
    "url": "http://example.com/counselling",
    "email": "email@example.com",
    "status": "active",
    "interpretation_services": "Interpretation services are available in Urdu, Polish, and Slovak",
    "application_process": "If you are an NHS patient please ask your GP for a referral letter, we will then be "
    "in touch with you directly. If you are not an NHS patient you should ring our "
    "reception to arrange an appointment",
    "fees_description": "Non-NHS patients are expected to pay for their counselling sessions. We charge a flat "
    "rate per hour of counselling. The current rate is £50 per hour. Please see our website "
    "for up to date prices.",
    "wait_time": "wait_time",
    "fees": "fees_description",
    "accreditations": "All of our practitioners are accredited by the BASC, UKCP, and the Professional Standards Body",
    "eligibility_description": "This service is intended for all people aged 12 and over who require "
    "counselling services in the MyCity area",
    "minimum_age": 12,
    "maximum_age": 100,
    "assured_date": "2005-01-01",
    "assurer_email": "email@example.com",
    "licenses": "licences",
    "alert": "Following COVID-19 we have moved most of our counselling sessions online. Please contact the "
    "reception if you require further information.",
    "last_modified": "2023-03-15T10:30:45.123Z",
}
PHONE = {
    "id": "1554f2e2-a373-45db-a3fa-9fc48a61c15e",
    "number": '"+44 1234 234567"',
    "extension": 100,
    "type": "voice",
    "description": "Our main reception phone number. The phones will be available from 0800 (8am) until 1800 "
    "(6pm) local time. There may be some slight delays in answering your call if we are busy.",
}
LANGUAGE = {
    "id": "2989d3ed-c547-48f8-8f9d-432d81c7892e",
    "name": "Urdu",
    "code": "ur",
    "note": "Translation services provided via bilingual staff when they are available",
}
SCHEDULE = {
    "id": "48102e86-bb50-41c4-8f1e-e269368c41d1",
    "valid_from": "2005-01-01",
    "valid_to": "2005-01-01",
    "dtstart": "2005-01-01",
    "timezone": 3,
    "until": "2005-01-01",
    "count": 3,
    "wkst": "TU",
    "freq": "WEEKLY",
    "interval": 1,
    "byday": "TH,FR",
    "byweekno": "41,42",
    "bymonthday": "2,3,4",
    "byyearday": "2,3,4",
    "description": "The service is available from 10 am to 6pm weekdays. The service is not available on public "
    "holidays.",
    "opens_at": "10:00:00",
    "closes_at": "18:00:00",
    "schedule_link": "http://example.com",
    "attending_type": "You can attend this service in-person or remotely via video conferencing",
    "notes": "Some of our staff will be unavailable during their lunch break which may be any 30 minute period "
    "between 1200 and 1400",
}
SERVICE_AREA = {
    "id": "381c64f1-a724-4884-9c21-ac96c21cca3e",
    "name": "The service is available to all residents of the MyCity area. We provide the service in our "
    "offices or via video conferencing to any who can provide evidence of their residency.",
    "description": "The service is available to all residents of the MyCity area, including all postcodes "
    "starting with AB1, AB2, and AB3",
    "extent": "extent",
    "extent_type": "geojson",
    "uri": "http://example.com",
}
SERVICE_AT_LOCATION = {
    "id": "e94c9f38-1e8f-4564-91d4-d53501ab1765",
    "description": "Counselling Services provided by trained professionals in the MyCity area.",
}
CONTACT = {
    "id": "1e7efce3-639b-4880-940c-b95cd30cdb50",
    "name": "Ann Persona",
    "title": "Reception Manager",
    "department": "Reception",
    "email": "email@example.com",
}
LOCATION = {
    "id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5",
    "location_type": "physical",
    "url": "http://example.com",
    "name": "MyCity Civic Center",
    "alternate_name": "Civic Center",
    "description": "MyCity Civic Center is located on Main Street and contains facilities for a number of civic "
    "and community services available.",
    "transportation": "MyCity Civic Center is serviced by the number 1 Bus and is a short walk from the Main "
    "Street Metro Station",
    "latitude": 100,
    "longitude": 101,
    "external_identifier": "10092008082",
    "external_identifier_type": "UPRN",
}
ADDRESS = {
    "id": "74706e55-df26-4b84-80fe-ecc30b5befb4",
    "attention": "A. Persona",
    "address_1": "1-30 Main Street",
    "address_2": "MyVillage",
    "city": "MyCity",
    "region": "MyRegion",
    "state_province": "MyState",
    "postal_code": "ABC 1234",
    "country": "US",
    "address_type": "postal",
}
ACCESSIBILITY = {
    "id": "afcf296e-1cb2-4139-9c88-33d587d1a50b",
    "description": "The building is equipped with induction loops for hearing aids. Wheelchair access is "
    "possible on all levels.",
    "details": "Switch hearing aid to T-coil to access the induction loop facility.",
    "url": "http://example.com",
}
COST_OPTION = {
    "id": "1fdf4d39-3d80-484d-9f92-a8ffa08621e7",
    "valid_from": "2020-01-01",
    "valid_to": "2022-12-31",
    "option": "Under 18s and Over 60s",
    "currency": "gbp",
    "amount": 35,
    "amount_description": "per 1 hour session",
}
REQUIRED_DOCUMENT = {
    "id": "f6ad7e69-b9c8-42ce-92db-92cedb4c05c0",
    "document": "Any official identification document (Passport, Driver's Licence, identity card) and evidence "
    "of address such as an official letter from local or national government. A driver's license "
    "which shows your name, photograph, and address can be used as a sole identification document.",
    "uri": "http://example.com",
}
ATTRIBUTE = {
    "id": "ae58cc39-8b70-4ab1-8aea-786882e5ac8e",
    "link_type": "link_type",
    "link_entity": "link_entity",
    "value": "value",
}
TAXONOMY_TERM = {
    "id": "3f7b145d-84af-42d7-8fae-eaca714b02b2",
    "code": "code",
    "name": "name",
    "description": "description",
    "parent_id": "0bc248fa-dc27-4650-9ba4-8f1a24ef16a2",
    "taxonomy": "taxonomy",
    "language": "eng",
    "term_uri": "http://example.com",
}
TAXONOMY = {
    "id": "5c4d79d7-cc55-470e-9f1f-8cad074e4892",
    "name": "name",
    "description": "description",
    "uri": "http://example.com",
    "version": "version",
}
METADATA = {
    "id": "6cd71e9f-1013-49d9-8370-26b8f59d3e5a",
    "resource_type": "location",
    "last_action_date": "2011-01-01",
    "last_action_type": "update",
    "field_name": "name",
    "previous_value": "MyCity Civic Center",
    "replacement_value": "MyCity New Civic Center",
    "updated_by": "Ann Persona",
}
