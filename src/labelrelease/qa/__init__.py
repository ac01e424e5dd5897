"""QA: stable stratified sample, disagreement by type, gold accuracy, pre-label signals."""
