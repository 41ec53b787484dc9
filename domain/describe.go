package domain

import (
	"fmt"
	"strings"
)

// Describe returns a one-line, human summary of what an event says, for
// tables and histories ("started; flags: started_without_eia").
func Describe(e Event) string {
	if s, ok := describeReserve(e, false); ok {
		return s
	}
	if s, ok := describeApplication(e, false); ok {
		return s
	}
	switch d := e.Data.(type) {
	case *RegisteredData:
		// Industry and national code are not added: the stored corpus
		// (cmd/ledger/testdata/corpus) holds this summary of registrations
		// that carry them, and a summary once printed reads the same.
		return fmt.Sprintf("%s; %s yuan; unit %s; leader %s; %s", d.Name, FormatYuan(d.TotalInvestment), d.Unit, d.Leader, d.Kind)
	case *LeaderAssignedData:
		s := fmt.Sprintf("leader %s (was %s)", d.Leader, d.Previous)
		return withReason(s, d.Reason)
	case *MilestonePlannedData:
		if d.Precision != PrecisionDay {
			// "started due 2026年3月 (2026-03-31)"; a day reads as it
			// always did.
			return fmt.Sprintf("%s due %s (%s)", d.Milestone, d.Precision.Format(d.Due), d.Due)
		}
		return fmt.Sprintf("%s due %s", d.Milestone, d.Due)
	case *DeadlineRevisedData:
		if d.Precision != PrecisionDay {
			return fmt.Sprintf("%s moved %s -> %s (%s; baseline %s): %s", d.Milestone, d.From, d.Precision.Format(d.Due), d.Due, d.Baseline, d.Reason)
		}
		return fmt.Sprintf("%s moved %s -> %s (baseline %s): %s", d.Milestone, d.From, d.Due, d.Baseline, d.Reason)
	case *StepData:
		return withReason(string(d.Step), d.Note)
	case *FundsReceivedData:
		s := fmt.Sprintf("received %s yuan", FormatYuan(d.Amount))
		if d.Reference != "" {
			s += " (" + d.Reference + ")"
		}
		return withReason(s, d.Note)
	case *ApprovedData:
		s := fmt.Sprintf("%s approval", d.Kind)
		if d.Reference != "" {
			s += " " + d.Reference
		}
		return withReason(s, d.Note)
	case *StartedData:
		s := withReason("construction started", d.Note)
		if len(d.Flags) > 0 {
			flags := make([]string, len(d.Flags))
			for i, f := range d.Flags {
				flags[i] = string(f)
			}
			s += "; flags: " + strings.Join(flags, ", ")
		}
		return s
	case *SuspendedData:
		s := "suspended: " + d.Reason
		if !d.ExpectedRestart.IsZero() {
			s += "; expected restart " + d.ExpectedRestart.String()
		}
		return s
	case *TerminatedData:
		return "terminated: " + d.Reason
	case *ProgressReportedData:
		return describeProgress(d)
	case *InvestmentReportedData:
		return withReason(fmt.Sprintf("%s investment %s yuan", d.Month, FormatYuan(d.Amount)), d.Reason)
	case *InvestmentPlannedData:
		return withReason(fmt.Sprintf("%d investment plan %s yuan", d.Year, FormatYuan(d.Amount)), d.Reason)
	case *IssueRaisedData:
		return fmt.Sprintf("issue %s raised: %s", d.IssueID, d.Title)
	case *IssueResolvedData:
		return fmt.Sprintf("issue %s resolved: %s", d.IssueID, d.Resolution)
	case *DelayExplainedData:
		return fmt.Sprintf("%s (due %s) late: %s", d.Milestone, d.Due, d.Reason)
	case *DeadlineMissedData:
		return fmt.Sprintf("%s missed its deadline %s (unit %s, leader %s)", d.Milestone, d.Due, d.Unit, d.Leader)
	case *FactsCorrectedData:
		return describeFacts(d)
	case *RecordCorrectedData:
		return describeRecord(d)
	case *DeadlineWithdrawnData:
		return fmt.Sprintf("%s deadline %s withdrawn (baseline %s): %s", d.Milestone, d.Due, d.Baseline, d.Reason)
	case *EvidenceAttachedData:
		names := make([]string, len(d.Files))
		for i, f := range d.Files {
			names[i] = fmt.Sprintf("%s (%s, sha256 %s)", f.Name, FormatBytes(f.Size), f.SHA256[:min(12, len(f.SHA256))])
		}
		return fmt.Sprintf("evidence for %s: %s", d.About, strings.Join(names, ", "))
	case *RevisionRequestedData:
		return fmt.Sprintf("asks to move %s %s -> %s: %s", d.Milestone, d.From, d.Due, d.Reason)
	case *RevisionDecidedData:
		verb := "refused"
		if d.Approved {
			verb = "approved"
		}
		return withReason(fmt.Sprintf("%s the move of %s to %s", verb, d.Milestone, d.Due), d.Note)
	case *ReportPublishedData:
		return fmt.Sprintf("published %s %s (as of %s, %d files)", d.Report, d.Period, d.AsOf, len(d.Files))
	}
	return string(e.Type)
}

// describeFacts reads `corrected name "光伏组件" -> "光伏组件生产线";
// investment 350,000,000 -> 380,000,000 yuan: typed from the wrong row`.
func describeFacts(d *FactsCorrectedData) string {
	changes := make([]string, len(d.Changes))
	for i, ch := range d.Changes {
		switch ch.Field {
		case FactTotalInvestment:
			changes[i] = fmt.Sprintf("investment %s -> %s yuan", FormatYuan(ch.FromYuan), FormatYuan(ch.ToYuan))
		case FactRegisteredOn:
			changes[i] = fmt.Sprintf("registered on %s -> %s", ch.FromDate, ch.ToDate)
		default:
			changes[i] = fmt.Sprintf("%s %q -> %q", strings.ReplaceAll(ch.Field, "_", " "), ch.From, ch.To)
		}
	}
	return withReason("corrected "+strings.Join(changes, "; "), d.Reason)
}

// describeRecord reads `corrected funds_received tranche 2: amount
// 5,000,000 -> 6,000,000 yuan, date 2026-03-01 -> 2026-02-28: voucher
// misread`.
func describeRecord(d *RecordCorrectedData) string {
	what, date := string(d.Type), "date"
	switch {
	case d.Kind != "":
		what += " " + string(d.Kind)
	case d.Milestone != "":
		what, date = what+" "+string(d.Milestone), "baseline"
	case d.Tranche != 0:
		what += fmt.Sprintf(" tranche %d", d.Tranche)
	}
	var changes []string
	if d.ToAmount != 0 {
		changes = append(changes, fmt.Sprintf("amount %s -> %s yuan", FormatYuan(d.FromAmount), FormatYuan(d.ToAmount)))
	}
	if !d.ToDate.IsZero() {
		changes = append(changes, fmt.Sprintf("%s %s -> %s", date, d.FromDate, d.ToDate))
	}
	if d.ToReference != "" {
		changes = append(changes, fmt.Sprintf("reference %q -> %q", d.FromReference, d.ToReference))
	}
	return withReason("corrected "+what+": "+strings.Join(changes, ", "), d.Reason)
}

// Days is n days in English: "1 day", "3 days".
func Days(n int) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d day", n)
	}
	return fmt.Sprintf("%d days", n)
}

func withReason(s, reason string) string {
	if reason == "" {
		return s
	}
	return s + ": " + reason
}

// FormatYuan writes an integer amount with thousands separators
// (350,000,000).
func FormatYuan(v int64) string {
	s := fmt.Sprint(v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
