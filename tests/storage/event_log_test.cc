// placeholder, replaced by the storage tests
