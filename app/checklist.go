package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/vault"
)

// checklistScreen lets the user pick which of several accounts to add: a
// migration export, several codes in one image, an import or a restore.
type checklistScreen struct {
	u     *ui
	accts []accounts.Account
	note  string // e.g. "part 2 of 3"

	// From an import's preview: what adding each account would do, and
	// the counts. Duplicates start unticked.
	outcomes []vault.Outcome
	summary  string

	checks []*widget.Check
	add    *widget.Button
}

func (s *checklistScreen) build() fyne.CanvasObject {
	list := container.NewVBox()
	for i := range s.accts {
		a := &s.accts[i]
		label, tick := a.Label(), true
		if i < len(s.outcomes) {
			switch s.outcomes[i] {
			case vault.Updated:
				label += " — " + lang.L("updates the copy in Nidan")
			case vault.Duplicate:
				label, tick = label+" — "+lang.L("already in Nidan"), false
			}
		}
		c := widget.NewCheck(label, func(bool) { s.onChanged() })
		c.SetChecked(tick)
		s.checks = append(s.checks, c)
		list.Add(c)
	}
	s.add = &widget.Button{Text: lang.L("Add selected"), Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: s.onAdd}
	all := &widget.Button{Text: lang.L("Select all"), Importance: widget.LowImportance, OnTapped: func() { s.setAll(true) }}
	none := &widget.Button{Text: lang.L("Select none"), Importance: widget.LowImportance, OnTapped: func() { s.setAll(false) }}
	intro := lang.X("checklist.found", "Found {{.N}} accounts. Choose the ones to add.", map[string]any{"N": len(s.accts)})
	objs := []fyne.CanvasObject{wrapped(&widget.Label{Text: intro})}
	if s.summary != "" {
		objs = append(objs, wrapped(&widget.Label{Text: s.summary}))
	}
	if s.note != "" {
		objs = append(objs, wrapped(&widget.Label{Text: s.note, Importance: widget.WarningImportance}))
	}
	objs = append(objs, container.NewHBox(all, none), list, s.add)
	return screen(s.u, lang.L("Choose accounts"), objs...)
}

func (s *checklistScreen) setAll(on bool) {
	for _, c := range s.checks {
		c.SetChecked(on)
	}
}

func (s *checklistScreen) onChanged() {
	if s.add == nil {
		return
	}
	for _, c := range s.checks {
		if c.Checked {
			s.add.Enable()
			return
		}
	}
	s.add.Disable()
}

func (s *checklistScreen) onAdd() {
	var pick []accounts.Account
	for i, c := range s.checks {
		if c.Checked {
			pick = append(pick, s.accts[i])
			s.u.suggestLogo(&pick[len(pick)-1]) // imported and scanned accounts get their brand's logo
		}
	}
	rep, err := s.u.vault.Add(pick...)
	if err != nil {
		s.u.showError("Could not add the accounts", err, vaultHint(err))
		return
	}
	s.u.showList()
	s.u.list.showNotice(lang.X("notice.merged", "Added {{.Added}}, updated {{.Updated}}, skipped {{.Duplicates}} already in Nidan.",
		map[string]any{"Added": rep.Added, "Updated": rep.Updated, "Duplicates": rep.Duplicates}))
}
