package config

// The defaults of the settings are the domain's (callback.NewTenant,
// NewSegment, NewQueue, NewLicenses and the integrations' constructors): the
// walker starts every value it reads from them, and example.yaml states each
// of them ("Default:"), which a test checks. Only what exists in the file's
// syntax alone is defined here.

// Statistic is how the EWT migration estimators summarise their samples
// (the ewt.statistic key, which sets callback.EWTSettings.Median).
type Statistic string

// The statistics.
const (
	StatisticAverage Statistic = "average"
	StatisticMedian  Statistic = "median"
)

// Statistics lists every statistic.
var Statistics = []Statistic{StatisticAverage, StatisticMedian}
