"""Review packets: a case sealed into a signed BagIt bag, checked and received elsewhere.

One module per job; each is imported from where it lives (there is no
catch-all re-export here)::

    format    every name, key and encoding of a packet on disk  MANIFEST, CASE_JSON, ...
    export    seal a case (or one event) into a packet          export_packet
    verify    check a packet without trusting its sender        verify_packet
    transfer  receive a verified packet as a new case           import_packet
    review    open a packet read-only and keep signed notes     open_for_review
    archive   open a packet folder or unpack a zip safely       OpenedPacket
    names     safe, unique evidence file names inside a packet  evidence_names
    caseuco   the packet's provenance as a CASE/UCO graph       case_graph
"""
