//go:build mobile || android || ios

package app

import "fyne.io/fyne/v2"

// Tapped copies the row's code on a phone. Fyne's mobile driver gives a tap
// to the innermost object that takes taps or long presses; the row takes
// long presses (TappedSecondary, its menu), so without this a tap would
// stop at the row and never reach the list item that copies. The desktop
// driver looks for tap and right-click targets separately, so desktop
// builds leave this out and the list item keeps the click.
func (r *row) Tapped(*fyne.PointEvent) {
	if r.onTap != nil && r.acct.ID != "" {
		r.onTap(r.acct.ID)
	}
}
