DROP INDEX tickets_violations;
