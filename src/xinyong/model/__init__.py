"""The risk model: labels with their inclusion probabilities, training sets, the estimator, metrics, report and registry."""
