-- A vendor's contract: price per ticket and yearly caps, for a period.
-- Contracts are never edited; a new period is a new contract.
CREATE TABLE vendor_contracts (
    id BIGSERIAL PRIMARY KEY,
    vendor_id BIGINT NOT NULL REFERENCES vendors(id),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    unit_price INTEGER NOT NULL,
    yearly_ticket_cap INTEGER NOT NULL,
    yearly_amount_cap BIGINT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX vendor_contracts_vendor ON vendor_contracts(vendor_id, starts_on);

-- One line per ticket billed to a vendor, at the contract's price.
CREATE TABLE vendor_billings (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets(id),
    vendor_id BIGINT NOT NULL REFERENCES vendors(id),
    contract_id BIGINT NOT NULL REFERENCES vendor_contracts(id),
    amount INTEGER NOT NULL,
    billed_on DATE NOT NULL,
    billed_at TIMESTAMP NOT NULL
);
CREATE INDEX vendor_billings_vendor ON vendor_billings(vendor_id, billed_on);
