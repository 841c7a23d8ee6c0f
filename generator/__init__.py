"""csops-portal: YAML playbooks, checklists, FAQs and RACI charts in, a searchable CS enablement portal out."""

__version__ = "0.1.0"
