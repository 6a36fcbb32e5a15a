DROP TABLE vendor_billings;
DROP TABLE vendor_contracts;
