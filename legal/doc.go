// Package legal will hold the statute trees, their search, the
// plain-language summaries, QR codes and the printed legal guide
// (法律导航, step 5 of the interview). It is filled by the legal
// navigation work; the desk does not use it yet.
package legal
