"""claimlake: a HIPAA-grade claims lakehouse for US health payers."""

__version__ = "0.1.0"
