package callback

import (
	"strconv"
	"time"
)

// The IVR queue variables of the original product, as GetSegmentVariables
// returns them. There is one table, below: its order is the order of the
// reference's GetSegmentVariables example response and of every answer, its
// defaults are the values of that example.
//
// A variable is either free or bound. A free variable is a plain setting that
// only the IVR reads: its value is Queue.Variables[name], or the table default.
// A bound variable mirrors a structured queue or segment setting that the
// platform itself acts on (retry limits, thresholds, skills...): its value is
// rendered from that setting, so each fact is configured in one place and the
// IVR can never be told something the platform does not do.

// VariableDef describes one IVR queue variable of the table.
type VariableDef struct {
	// Name is the variable's name, spelled exactly as the reference does
	// (including its oddities such as RECALMAXNOANSWERATTEMPTS and CountryCode).
	Name string
	// Default is the variable's value in the reference's example response.
	// For a free variable it is the value used when the queue sets none; a
	// bound variable is always rendered from its setting instead.
	Default string
	// Bound is the configuration key that owns a bound variable, relative to
	// the queue ("retries.busy", "skills.callback.id"), or, for the one
	// variable a segment owns, "segments[].countryCode" (relative to the
	// tenant). It is empty for a free variable.
	Bound string
}

// IsBound reports whether the variable is rendered from a structured setting
// rather than taken from Queue.Variables.
func (d VariableDef) IsBound() bool { return d.Bound != "" }

// variableEntry is a table row: the public description plus, for a bound
// variable, how its value is rendered.
type variableEntry struct {
	VariableDef
	render func(q *Queue, seg *Segment) string
	// segment marks a variable rendered from the segment (it keeps its
	// default when there is no segment).
	segment bool
}

func free(name, def string) variableEntry {
	return variableEntry{VariableDef: VariableDef{Name: name, Default: def}}
}

func bound(name, def, key string, render func(q *Queue, seg *Segment) string) variableEntry {
	return variableEntry{VariableDef: VariableDef{Name: name, Default: def, Bound: key}, render: render}
}

func segmentBound(name, def, key string, render func(seg *Segment) string) variableEntry {
	e := bound(name, def, key, func(_ *Queue, seg *Segment) string { return render(seg) })
	e.segment = true
	return e
}

// variables is the one table of IVR queue variables, in the reference's order.
var variables = []variableEntry{
	free("INBOUNDMAINMENUMAXINVALIDRESPONSE", "2"),
	free("INBOUNDINVALIDMAXPHONENUMBER", "4"),
	free("OUTBOUNDMENUMAXINVALIDRESPONSE", "2"),
	free("OUTBOUNDHAILINGMAXINVALIDRESPONSE", "6"),
	free("SCHEDULEDDAYMAXINVALIDRESPONSE", "2"),
	free("SCHEDULETIMEMAXINVALIDRESPONSE", "2"),
	free("SCHEDULEAMPMMAXINVALIDRESPONSE", "2"),
	free("SCHEDULEMAXINVALIDENTRY", "2"),
	free("ACCEPTSCHEDMENUMAXINVALIDRESPONSE", "2"),
	free("VALIDATEUSERIDMAXINVALIDRESPONSE", "2"),
	free("VALIDATEPASSWORDMAXINVALIDRESPONSE", "2"),
	free("INBOUNDFURTHERMENUMAXINVALIDRESPONSE", "2"),
	free("INBOUNDPOSTDESCMENUMAXINVALIDRESPONSE", "2"),
	free("INBOUNDREENTERMAXPHONENUMBER", "3"),
	free("VALIDATESCRIPTMAXINVALIDRESPONSE", "2"),
	free("VALIDATEFILEMAXINVALIDRESPONSE", "2"),
	free("INBOUNDPHONEOKMAXINVALIDRESPONSE", "2"),
	free("ACCEPTSCHEDMENUFURTHERMAXINVALIDRESPONSE", "2"),
	bound("SCHEDULEDCALLBACKON", "TRUE", "appointments.enabled", func(q *Queue, _ *Segment) string { return boolValue(q.Appointments.Enabled) }),
	free("MAINMENUCHOOSEHOLD", "FALSE"),
	free("MAINMENUZEROHOLD", "FALSE"),
	free("MAINMENUSCHEDULE", "FALSE"),
	free("EUROPEAN", "FALSE"),
	free("MAINMENUSPEAKEWT", "TRUE"),
	free("QSPEAKSPEAKEWT", "TRUE"),
	free("HOLDTRANSFERSPEAKEWT", "TRUE"),
	free("FIFOTRANSFERSPEAKEWT", "TRUE"),
	free("INVALIDRESPONSESPEAKEWT", "TRUE"),
	free("INBOUNDMAINMENUMAXNORESPONSE", "2"),
	free("RESCHEDULEDCALLBACKON", "FALSE"),
	free("STRIPLEADINGZEROFROMPHONENUM", "FALSE"),
	free("AFTERHOURSMAXINVALIDRESPONSE", "2"),
	free("QSPEAKUNDERTHRESHOLD", "FALSE"),
	free("QSPEAKUNDERTHRESHOLDMINIMUMSECONDS", "0"),
	free("SPEAKMAXEWT", "TRUE"),
	free("SPEAKMAXEWTTIME", "03:00"),
	free("NORMALEWTPHRASE", "NormalEWTPhrase.vox"),
	free("RANGEEWTPHRASE", "RangeEWTPhrase.vox"),
	free("MAXEWTPHRASE", "MaxEWTPhrase.vox"),
	free("EXTRAEWTPHRASE", ""),
	bound("TURNONTHRESHOLD", "0", "turnOnThreshold", func(q *Queue, _ *Segment) string { return seconds(q.TurnOnThreshold) }),
	free("ALWAYSQUOTEUNITSINEWT", "FALSE"),
	free("AVOIDAMBIGUOUSHOURSINEWT", "TRUE"),
	free("BETWEENRANGESEWTPHRASE", "BetweenRangesEWTPhrase.vox"),
	free("VIRTUALQMENUZEROHOLD", "FALSE"),
	free("VIRTUALQMAXTRYDISCONNECT", "FALSE"),
	free("VIRTUALQMENUSCHEDULE", "FALSE"),
	free("VIRTUALQMENUSPEAKEWT", "TRUE"),
	free("MAXANSMACHNORESPONSE", "1"),
	bound("MAXANSMACHATTEMPTS", "2", "retries.answeringMachine", func(q *Queue, _ *Segment) string { return strconv.Itoa(q.Retries.AnsweringMachine) }),
	bound("MAXATTEMPTS", "5", "retries.total", func(q *Queue, _ *Segment) string { return strconv.Itoa(q.Retries.Total) }),
	bound("BUSYATTEMPTS", "3", "retries.busy", func(q *Queue, _ *Segment) string { return strconv.Itoa(q.Retries.Busy) }),
	bound("NOANSATTEMPTS", "3", "retries.noAnswer", func(q *Queue, _ *Segment) string { return strconv.Itoa(q.Retries.NoAnswer) }),
	bound("TRYAGAINATTEMPTS", "3", "retries.tryAgain", func(q *Queue, _ *Segment) string { return strconv.Itoa(q.Retries.TryAgain) }),
	free("QUEUESPEAK_ROUTEDESTINATION", "UnderThreshold"),
	free("DIALEXTENSION_DIALDELAY", "3"),
	free("DIALEXTENSION_HAILDELAY", "3"),
	free("DIALEXTENSION_REENTERLIMIT", "3"),
	free("DIALEXTENSION_TERMINATORDIGIT", "#"),
	free("DIALEXTENSION_GETMAXNORESPONSE", "1"),
	free("DIALEXTENSION_INCLUDETERMINATOR", "FALSE"),
	free("DIALEXTENSION_REQUESTMAXNORESPONSE", "1"),
	free("DIALEXTENSION_VALIDATEMAXINVALIDRESPONSE", "2"),
	free("DIALEXTENSION_HAILINGMAXINVALIDRESPONSE", "10"),
	free("DIALEXTENSION_HAILMENUMAXINVALIDRESPONSE", "2"),
	free("DATEBOOK_MENUMAXINVALIDRESPONSE", "2"),
	free("CBDC_MAXINVALIDRESPONSE", "2"),
	free("CBDC_TIME_REMAINING_THRESHOLD", "120"),
	free("UPPEREWTRANGE", "0"),
	free("LOWEREWTRANGE", "0"),
	free("SMARTVIRTUALQTHRESHOLD", ""),
	bound("SMARTCALLBLOCKTHRESHOLD", "", "smartCallBlockThreshold", func(q *Queue, _ *Segment) string { return secondsOrEmpty(q.SmartCallBlockThreshold) }),
	free("NOTIFY_ATTEMPTPERIODTIME", "00:05:00"),
	free("NOTIFY_INBOUNDTREATMENT", "Normal"),
	free("NOTIFY_INTERVALTIME", "00:15:00"),
	free("NOTIFY_MAXANSMACHATTEMPTS", "1"),
	free("NOTIFY_MAXCALLATTEMPTS", "3"),
	free("NOTIFY_MAXINVALIDRESPONSE", "2"),
	free("NOTIFY_HAILINGMAXINVALIDRESPONSE", "6"),
	free("NOTIFY_MODESLEEPTIME", "00:00:05"),
	free("NOTIFY_OFFERDATEBOOK", "TRUE"),
	free("NOTIFY_OFFERREMAININQUEUE", "TRUE"),
	free("NOTIFY_PLAYINBOUNDPROMPTS", "TRUE"),
	free("NOTIFY_POSTPONECALLBACK", "FALSE"),
	free("NOTIFY_CALLLIST", "FALSE"),
	free("NOTIFY_SPEAKWINDOW", "FALSE"),
	free("NOTIFY_TIMEEXPIREOPMODE", "Notify"),
	free("NOTIFY_VIRTUALQUEUELIST", "TRUE"),
	free("NOTIFY_REMAININGTIME", ""),
	free("RECALLAGENTSAVAILMODE", "1"),
	free("RECALLALLOWSCHEDULING", "FALSE"),
	free("RECALLIVRID", "ALL"),
	free("RECALLMAXANSWERINGMACHINEATTEMPTS", "2"),
	free("RECALLMAXANSWERINGMACHINENORESPONSE", "1"),
	free("RECALLMAXBUSYATTEMPTS", "2"),
	free("RECALLMAXBUSYPERIOD", ""),
	free("RECALLMAXCOMBOATTEMPTS", "2"),
	free("RECALLMAXHAILINGINVALIDRESPONSE", "5"),
	free("RECALLMAXINVALIDRESPONSE", "5"),
	free("RECALMAXNOANSWERATTEMPTS", "2"),
	free("RECALLMAXTRYAGAINATTEMPTS", "2"),
	free("RECALLMAXTRYAGAINPERIOD", "00:15:00"),
	free("RECALLNAMEREQUIRED", "FALSE"),
	free("RECALLNUMAGENTSAVAILBEFORERECALL", "5"),
	free("RECALLNUMPRIORITYQUEUETOPAUSERECALL", "5"),
	free("RECALLSTATE", "1"),
	free("RECALLXFERMODE", "1"),
	free("RECALLMINOBPORTS", "4"),
	free("MAINMENUFURTHEROPTION", "TRUE"),
	free("DATEBOOK_CHOOSEHOLD", "FALSE"),
	free("FASTFWD_TIMESLOTSUGGESTMAXENTRY", "2"),
	free("FASTFWD_TIMESLOTSUGGEST", "FALSE"),
	free("FASTFWD_MAIN_MAXENTRY", "2"),
	free("DATEBOOK_ENDCALL", "TRUE"),
	free("SPEAKMINEWT", "FALSE"),
	free("SPEAKMINEWTTIME", "00:02:00"),
	free("MINEWTPHRASE", "MinEWTPhrase.vox"),
	free("USEINTERNATIONALPROMPTS", "FALSE"),
	free("ANIPLAYBACKENABLED", "FALSE"),
	free("SPEAKEWTUNDERTHRESHOLDINQSPEAKMODE", "FALSE"),
	bound("CDBC_ENABLED", "TRUE", "callbackDoubleCheck", func(q *Queue, _ *Segment) string { return boolValue(q.CallbackDoubleCheck) }),
	bound("SECONDCHANCE_ENABLED", "FALSE", "secondChance.enabled", func(q *Queue, _ *Segment) string { return boolValue(q.SecondChance.Enabled) }),
	bound("SECONDCHANCE_THRESHOLD", "120", "secondChance.threshold", func(q *Queue, _ *Segment) string { return seconds(q.SecondChance.Threshold) }),
	free("SECONDCHANCE_SPEAKEWT", "FALSE"),
	bound("CallbackQueueID", "1000", "skills.callback.id", func(q *Queue, _ *Segment) string { return q.Skills.Callback.ID }),
	bound("CallbackQueueDevice", "1000", "skills.callback.device", func(q *Queue, _ *Segment) string { return q.Skills.Callback.Device }),
	bound("HoldingQueueID", "1000", "skills.holding.id", func(q *Queue, _ *Segment) string { return q.Skills.Holding.ID }),
	bound("HoldingQueueDevice", "1000", "skills.holding.device", func(q *Queue, _ *Segment) string { return q.Skills.Holding.Device }),
	bound("UnderThresholdQueueID", "1000", "skills.underThreshold.id", func(q *Queue, _ *Segment) string { return q.Skills.UnderThreshold.ID }),
	bound("UnderThresholdQueueDevice", "1000", "skills.underThreshold.device", func(q *Queue, _ *Segment) string { return q.Skills.UnderThreshold.Device }),
	free("SCRIPTNUMBER", "1"),
	segmentBound("CountryCode", "1", "segments[].countryCode", func(seg *Segment) string { return seg.CountryCode }),
	free("MainMenuMessaging", "FALSE"),
	free("DatebookMessaging", "FALSE"),
	free("VirtualQMessaging", "FALSE"),
	free("MessagingHandle", ""),
	free("MessagingTags", ""),
	free("MessagingOverrideCountryCode", ""),
	free("MessagingOfferMessage", "This is the message you requested"),
}

// variableIndex maps a variable name to its row in variables.
var variableIndex = func() map[string]int {
	m := make(map[string]int, len(variables))
	for i, v := range variables {
		m[v.Name] = i
	}
	return m
}()

// VariableTable returns every IVR queue variable in the reference's order.
// The slice is a copy: callers may keep or change it freely. Configuration
// validation, the example file and the documentation are built from it.
func VariableTable() []VariableDef {
	out := make([]VariableDef, len(variables))
	for i, v := range variables {
		out[i] = v.VariableDef
	}
	return out
}

// LookupVariable returns the table entry named name. The match is exact and
// case-sensitive, as the names are in the original product's configuration.
func LookupVariable(name string) (VariableDef, bool) {
	i, ok := variableIndex[name]
	if !ok {
		return VariableDef{}, false
	}
	return variables[i].VariableDef, true
}

// SegmentVariables returns every IVR queue variable of the queue, as seen
// through seg, in table order: this is GetSegmentVariables' answer. Free
// variables come from q.Variables (or the table default when the queue sets
// none); bound ones are rendered from the queue's settings and, for
// CountryCode, from the segment. seg may be nil, in which case CountryCode
// takes its table default.
func (q *Queue) SegmentVariables(seg *Segment) []Variable {
	out := make([]Variable, len(variables))
	for i, v := range variables {
		value := v.Default
		switch {
		case v.segment && seg == nil:
			// keep the default
		case v.render != nil:
			value = v.render(q, seg)
		default:
			if s, ok := q.Variables[v.Name]; ok {
				value = s
			}
		}
		out[i] = Variable{Name: v.Name, Value: value}
	}
	return out
}

// boolValue renders a flag the way the original's variables spell it.
func boolValue(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

// seconds renders a duration as whole seconds, the unit of the original's
// threshold variables.
func seconds(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

// secondsOrEmpty is seconds, but empty for zero: the original leaves a
// threshold variable blank when the feature is off.
func secondsOrEmpty(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return seconds(d)
}
