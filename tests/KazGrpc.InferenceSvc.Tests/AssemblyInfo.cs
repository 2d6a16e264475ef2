// Each environment runs real services and real models on a 2-core machine; run the classes one at
// a time so that timing-sensitive checks (queue waits, outage detection) see the machine they assume.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
