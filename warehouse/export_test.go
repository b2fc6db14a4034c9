package warehouse

// CreateTables exposes createTables to the external tests.
var CreateTables = (*DB).createTables
