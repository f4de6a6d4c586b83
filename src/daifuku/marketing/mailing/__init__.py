"""The mail machine's seams: how the parts that each add something to every outgoing
message (unsubscribe headers, tracking links, the bounce return path, the DKIM signature)
and to every pre-send check plug into the delivery engine without importing each other."""
