package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"syscall"

	"fyne.io/fyne/v2/lang"

	"conclave/app/transfer/camera"
	"conclave/app/transfer/qr"
	"conclave/app/transfer/ur"
	"conclave/assets"
	"conclave/ceremony"
	"conclave/keystore"
)

// The packages below the application (ceremony, keystore, office,
// transfer) speak English: their texts serve the command line, logs and
// auditors. The application shows them in the member's language, at the
// right depth: errors of keystore and transfer carry their English format
// and its arguments (Key), and that format is the key of
// assets/translation/*.json; sentinel errors (keystore, ur, qr, camera,
// the operating system's) are keys too. The ceremony's sentences are still
// matched by their shape (ceremonyFR) until ceremony returns keyed events.
// A text with no French form is shown as it is; TestFrenchScreens fails on
// any that reaches a screen.

// french reports whether the interface is in French.
func french() bool { return lang.L("@lang") == "fr" }

// keyed is what the errors of keystore and transfer implement: their
// English format (the translation key) and its arguments.
type keyed interface{ Key() (string, []any) }

// enKeys are the keys of en.json: only these are translated (lang.L gives
// back any other text as it is).
var enKeys = func() map[string]string {
	m := map[string]string{}
	data, err := assets.Translations.ReadFile("translation/en.json")
	if err == nil {
		json.Unmarshal(data, &m)
	}
	return m
}()

// translate gives a key in the interface's language with its %-verbs
// filled in: a string argument that is itself a key is translated, an
// error argument explained. It reports false for a text that is no key.
func translate(format string, args []any) (string, bool) {
	if _, ok := enKeys[format]; !ok {
		return "", false
	}
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case error:
			out[i] = explain(v)
		case string:
			if _, ok := enKeys[v]; ok {
				out[i] = lang.L(v)
			} else {
				out[i] = v
			}
		default:
			out[i] = a
		}
	}
	if len(out) == 0 {
		return lang.L(format), true
	}
	return fmt.Sprintf(lang.L(format), out...), true
}

// sentinels are the errors whose own text is a key: a refusal that wraps
// one is shown by it when its own format has no translation.
var sentinels = []error{
	keystore.ErrWrongPassphrase, keystore.ErrOtherCeremony, keystore.ErrTruncated, keystore.ErrDamaged,
	keystore.ErrMalformed, keystore.ErrTampered, keystore.ErrNotKeystore, keystore.ErrUnknownVersion,
	keystore.ErrExists, keystore.ErrFileChanged, keystore.ErrUnreadable, keystore.ErrWriteFailed,
	keystore.ErrBackupMismatch, keystore.ErrSameLocation, keystore.ErrLockedMemory, keystore.ErrWeakPassphrase,
	keystore.ErrInvalidArgument, keystore.ErrClosed,
	ur.ErrNotUR, ur.ErrCorruptPart, ur.ErrForeignPart, ur.ErrIncomplete, ur.ErrChecksum,
	qr.ErrNoCode, camera.ErrNoCamera,
}

// osCauses are the operating system's refusals, in plain words.
var osCauses = []struct {
	err error
	key string
}{
	{os.ErrNotExist, "the file or folder does not exist"},
	{os.ErrPermission, "permission denied"},
	{os.ErrExist, "a file of that name already exists"},
	{syscall.EROFS, "the drive is read-only"},
	{syscall.ENOSPC, "the drive is full"},
	{syscall.ENOTDIR, "this is a file, not a folder"},
	{syscall.EIO, "the drive could not be read or written (was it pulled out?)"},
}

// errCancel is the user's own Cancel: it is shown as "Cancelled", not as
// a refusal.
var errCancel = errors.New("cancelled: nothing was changed")

// ceremonyFR gives French forms of the ceremony's sentences: the English
// format (as the packages write it) and the French one, whose verbs come
// in the same order.
var ceremonyFR = [][2]string{
	{"the call is the one this keystore answered", "l'appel est celui auquel ce coffre de clés a répondu"},
	{"the manifest holds the call %q and %d signed cards, in order", "le manifeste contient l'appel %q et %d cartes signées, dans l'ordre"},
	{"your card is in it: you are member %d", "votre carte y figure : vous êtes le membre %d"},
	{"read the ceremony fingerprint aloud, check that every member sees the same, then hand your deal to the coordinator", "lisez l'empreinte de la cérémonie à voix haute, vérifiez que chaque membre voit la même, puis remettez au coordinateur vos parts pour les autres membres"},
	{"FAILED: the share from %s does not open: you complain", "ÉCHEC : la part de %s ne s'ouvre pas : vous portez plainte"},
	{"FAILED: the share from %s does not match its commitments: you complain", "ÉCHEC : la part de %s ne correspond pas à ses engagements : vous portez plainte"},
	{"the share from %s opens and matches its commitments", "la part de %s s'ouvre et correspond à ses engagements"},
	{"hand your list of complaints to the coordinator (an empty list says every share was good)", "remettez au coordinateur votre avis sur les parts reçues (un avis sans objection dit que chaque part était bonne)"},
	{"you already checked your shares; hand this list to the coordinator", "vous avez déjà vérifié vos parts ; remettez cet avis au coordinateur"},
	{"nobody complained about your deal: you have nothing to hand in at this step", "personne n'a fait d'objection à vos parts : vous n'avez rien à remettre à cette étape"},
	{"%s complained about your share: it is revealed so that everyone can check it", "%s a fait une objection à votre part : elle est montrée à tous pour que chacun puisse la vérifier"},
	{"hand your answer to the complaints to the coordinator", "remettez au coordinateur votre réponse aux objections"},
	{"you already confirmed; hand your confirmation to the coordinator", "vous avez déjà confirmé ; remettez votre confirmation au coordinateur"},
	{"your share matches your verification key; election key %s", "votre part correspond à votre clé de vérification ; clé de l'élection %s"},
	{"read the transcript fingerprint %s aloud: every member must see the same; then hand your confirmation to the coordinator", "lisez l'empreinte finale %s à voix haute : chaque membre doit voir la même ; puis remettez votre confirmation au coordinateur"},
	{"the published election key is the one you confirmed, signed by all qualified members", "la clé de l'élection publiée est celle que vous avez confirmée, signée par tous les membres qualifiés"},
	{"the key ceremony is complete: keep your stick and your passphrase safe until the count", "la cérémonie des clés est terminée : gardez votre clé USB et votre phrase secrète en lieu sûr jusqu'au dépouillement"},
	{"you were disqualified (%s): you hold no share of this election key; the others go on without your contribution", "vous avez été disqualifié (%s) : vous ne détenez aucune part de cette clé d'élection ; les autres continuent sans votre contribution"},
	{"you were disqualified (%s): you hold no share of this election key", "vous avez été disqualifié (%s) : vous ne détenez aucune part de cette clé d'élection"},
	{"revealed a share for %s that does not match its commitments", "a révélé pour %s une part qui ne correspond pas à ses engagements"},
	{"you already opened your commitments; hand this opening to the coordinator", "vous avez déjà fait votre part publique ; remettez-la au coordinateur"},
	{"QUAL is fixed: %d qualified members; nothing about the election key was public before (QUAL %s)", "la liste des membres qualifiés est fixée : %d membres qualifiés ; rien de la clé de l'élection n'était public auparavant (empreinte des membres qualifiés %s)"},
	{"QUAL is fixed: %d qualified members; nothing about the election key was public before", "l'ensemble qualifié est fixé : %d membres qualifiés ; rien de la clé de l'élection n'était public auparavant"},
	{"hand your opening to the coordinator", "remettez votre part publique de la clé au coordinateur"},
	{"you already published your shares of the silent members; hand them to the coordinator", "vous avez déjà publié vos parts des membres silencieux ; remettez-les au coordinateur"},
	{"%s is qualified but did not open its commitments: your share of it is published so that its part of the key is rebuilt, not dropped", "%s est qualifié mais n'a pas remis sa part publique : votre part de celui-ci est publiée pour que sa part de la clé soit reconstruite, pas écartée"},
	{"no qualified member needs rebuilding from your shares: you have nothing to hand in at this step", "aucun membre qualifié n'a besoin d'être reconstruit à partir de vos parts : vous n'avez rien à remettre à cette étape"},
	{"hand your published shares to the coordinator", "remettez vos parts publiées au coordinateur"},
	{"%s did not open its commitments: its part of the key was rebuilt from the shares the others published", "%s n'a pas ouvert ses engagements : sa part de la clé a été reconstruite à partir des parts publiées par les autres"},
	{"deal of %s: signature, %d Pedersen commitments, %d sealed share pairs", "distribution de %s : signature, %d engagements de Pedersen, %d paires de parts scellées"},
	{"opening of %s: signature, %d Feldman values, proof that they are those its deal committed to", "ouverture de %s : signature, %d valeurs de Feldman, preuve qu'elles sont celles auxquelles sa distribution l'engageait"},
	{"shares published by %s for %s: each matches the dealer's commitments", "parts publiées par %s pour %s : chacune correspond aux engagements du distributeur"},
	{"key ceremony complete: %d qualified members %s, all that opened confirmed transcript %s", "cérémonie des clés terminée : %d membres qualifiés %s, tous ceux qui ont ouvert ont confirmé la transcription %s"},
	{"%s did not open: its Feldman values were rebuilt from %d published shares, and it stays in QUAL", "%s n'a pas ouvert : ses valeurs de Feldman ont été reconstruites à partir de %d parts publiées, et il reste qualifié"},
	{"election key %s = sum of the qualified dealers' first Feldman values", "clé de l'élection %s = somme des premières valeurs de Feldman des distributeurs qualifiés"},
	{"%s is disqualified: %s", "%s est disqualifié : %s"},
	{"did not deal", "n'a pas remis ses parts"},
	{"did not answer the complaint of %s", "n'a pas répondu à l'objection de %s"},
	{"call %q: %d members, threshold %d", "appel %q : %d membres, seuil %d"},
	{"card of %q: signed by its own key, encryption %s", "carte de %q : signée par sa propre clé, chiffrement %s"},
	{"manifest of %q: %d members, threshold %d, ceremony %s", "manifeste de %q : %d membres, seuil %d, cérémonie %s"},
	{"complaints of %s: none, every share it received was good", "plaintes de %s : aucune, chaque part reçue était bonne"},
	{"complaints of %s: against %s", "plaintes de %s : contre %s"},
	{"reveal of %s: the %d revealed shares match its commitments", "révélation de %s : les %d parts révélées correspondent à ses engagements"},
	{"confirmation of %s: transcript %s, election key, verification key, proof that it holds its share", "confirmation de %s : transcription %s, clé de l'élection, clé de vérification, preuve qu'il détient sa part"},
	{"request %q (%s): %d ciphertexts, fingerprint %s", "demande %q (%s) : %d chiffrés, empreinte %s"},
	{"answer of %s to request %s: signed, proof of correct decryption verifies", "réponse de %s à la demande %s : signée, la preuve de déchiffrement correct se vérifie"},
	{"answer of %s to request %s: signed, but NOT a correct decryption (%s): it will be skipped", "réponse de %s à la demande %s : signée, mais PAS un déchiffrement correct (%s) : elle sera écartée"},
	{"result of request %q: recomputed from the answers of members %s, matches (%d plaintexts)", "résultat de la demande %q : recalculé à partir des réponses des membres %s, identique (%d clairs)"},
	{"verification key of %s: %s, from the commitments, matches its confirmation", "clé de vérification de %s : %s, calculée des engagements, correspond à sa confirmation"},
	{"request %q: %d valid answers, not combined yet", "demande %q : %d réponses valides, pas encore combinées"},
	{"%s: the same message again, identical", "%s : le même message à nouveau, identique"},
	{"%s: the published election key is this ceremony's", "%s : la clé de l'élection publiée est celle de cette cérémonie"},
	{"already on the board: %s", "déjà sur le tableau : %s"},
	{"this %s message belongs to another ceremony (%s), not to this one (%s)", "ce message (%s) appartient à une autre cérémonie (%s), pas à celle-ci (%s)"},
	{"belongs to another ceremony (%s), not to this one (%s)", "appartient à une autre cérémonie (%s), pas à celle-ci (%s)"},
	{"this card answers another call (%s), not this one (%s)", "cette carte répond à un autre appel (%s), pas à celui-ci (%s)"},
	{"the poll closes at %s: nothing can be decrypted before the close of poll", "le scrutin se clôt à %s : rien ne peut être déchiffré avant la clôture du scrutin"},
	{"this is not a Conclave message (%s): check that you picked the right file", "ce n'est pas un message Conclave (%s) : vérifiez que vous avez choisi le bon fichier"},
	{"is not signed by that member's key: it was altered or signed by someone else", "n'est pas signé par la clé de ce membre : il a été modifié ou signé par quelqu'un d'autre"},
	{"the key ceremony is not complete", "la cérémonie des clés n'est pas terminée"},
	{"reveal of %s: %d of %d revealed shares do not match its commitments: %s is disqualified", "réponse aux objections de %s : %d des %d parts montrées ne correspondent pas à ses engagements : %s est disqualifié"},
	{"the qualified set changed after you opened your commitments (QUAL %s then, %s now): the coordinator changed the deals, complaints or reveals once the key could be seen; stop and tell the others", "la liste des membres qualifiés a changé après l'ouverture de vos engagements (empreinte %s alors, %s maintenant) : le coordinateur a changé les parts, les avis ou les réponses aux objections une fois la clé visible ; arrêtez et prévenez les autres"},
	{"the %s of %s was made under another set of deals, complaints and reveals (QUAL %s) than this one (QUAL %s): the qualified set cannot change once the Feldman values are public", "le message (%s) de %s a été fait sous d'autres parts, avis et réponses aux objections (empreinte des membres qualifiés %s) que ceux-ci (%s) : la liste des membres qualifiés ne peut plus changer une fois les valeurs de Feldman publiques"},
	{"%s already opened its commitments, and this opening is different", "%s a déjà ouvert ses engagements, et cette ouverture est différente"},
	{"the opening of %s arrived after members began to confirm: the open step is over", "l'ouverture de %s est arrivée après le début des confirmations : l'étape d'ouverture est finie"},
	{"%s is not qualified (%s) and has nothing to open", "%s n'est pas qualifié (%s) et n'a rien à ouvrir"},
	{"the opening of %s commits to a zero secret", "l'ouverture de %s s'engage sur un secret nul"},
	{"the proof that the opening of %s is what its deal committed to does not verify", "la preuve que l'ouverture de %s est celle à laquelle ses parts l'engageaient ne se vérifie pas"},
	{"the opening of %s does not match the share it sent you, though its proof verifies: stop the ceremony and tell the others", "l'ouverture de %s ne correspond pas à la part qu'il vous a envoyée, bien que sa preuve se vérifie : arrêtez la cérémonie et prévenez les autres"},
	{"%s already published its shares of silent members, and this list is different", "%s a déjà publié ses parts des membres silencieux, et cette liste est différente"},
	{"the shares %s publishes arrived after members began to confirm: the recover step is over", "les parts publiées par %s sont arrivées après le début des confirmations : l'étape de reconstruction est finie"},
	{"%s publishes its share of %s, who is not qualified", "%s publie sa part de %s, qui n'est pas qualifié"},
	{"a qualified member who did not open cannot be rebuilt yet (%s): the recover step cannot close without those shares", "un membre qualifié qui n'a pas ouvert ne peut pas encore être reconstruit (%s) : l'étape de reconstruction ne peut pas se clore sans ces parts"},
	{"%s did not open its commitments and fewer than %d of its shares are public: it cannot be reconstructed yet", "%s n'a pas ouvert ses engagements et moins de %d de ses parts sont publiques : il ne peut pas encore être reconstruit"},
	{"%s was disqualified (%s) and cannot confirm", "%s a été disqualifié (%s) et ne peut pas confirmer"},
	{"only %d members qualified, fewer than the threshold %d: the ceremony cannot complete and must start again", "seuls %d membres sont qualifiés, moins que le seuil de %d : la cérémonie ne peut pas aboutir et doit recommencer"},
	{"%s saw a different ceremony transcript (%s) from this one (%s): the coordinator showed members different messages, or a message was altered", "%s a vu un autre compte rendu de la cérémonie (%s) que celui-ci (%s) : le coordinateur a montré des messages différents aux membres, ou un message a été modifié"},
	{"%d more card(s)", "%d inscription(s) encore attendue(s)"},
	{"%d more share(s) of %s", "%d part(s) encore attendue(s) pour reconstruire %s"},
	{"member %d (%s)", "membre %d (%s)"},
	{"new keys made and sealed in your keystore", "nouvelles clés créées et scellées dans votre coffre de clés"},
	// office's refusals (package office is not keyed yet)
	{"the folder %s is not empty: choose a new folder for a new ceremony", "le dossier %s n'est pas vide : choisissez un nouveau dossier pour une nouvelle cérémonie"},
	{"cannot create the board folder: %v", "impossible de créer le dossier du tableau : %v"},
	{"%s is not a ceremony board (it holds no call): create one with 'conclave board new'", "%s n'est pas un tableau de cérémonie (il ne contient pas d'appel) : créez-en un avec « Démarrer une cérémonie »"},
	{"the deal step is closed: this deal arrived too late", "l'étape du partage est close : ces parts sont arrivées trop tard"},
	{"complaints are taken only during the verify step", "les avis ne sont acceptés que pendant l'étape de vérification"},
	{"answers to complaints are taken only during the reveal step", "les réponses aux objections ne sont acceptées que pendant l'étape des objections"},
	{"confirmations are taken only during the confirm step, once every complaint has been answered", "les confirmations ne sont acceptées que pendant l'étape de confirmation, une fois toutes les objections traitées"},
	{"cannot read the folder %s: %v", "impossible de lire le dossier %s : %v"},
	{"the ciphertext file is not valid JSON of format %s: %v", "le fichier du décompte chiffré n'est pas un JSON valable au format %s : %v"},
	{"the ciphertext file has format %q, want %q", "le fichier du décompte chiffré a le format %q, %q attendu"},
	{"the ciphertext file holds no ciphertexts", "le fichier du décompte chiffré ne contient aucun total chiffré"},
	{"the ballots file holds no ballots", "le fichier des bulletins ne contient aucun bulletin"},
	{"there is no decryption request on this board: prepare one with 'board request'", "il n'y a aucune demande de déchiffrement sur ce tableau : préparez-en une"},
	{"%s already exists: a keystore is never overwritten; choose another file name", "%s existe déjà : un coffre de clés n'est jamais écrasé ; choisissez un autre nom de fichier"},
	{"to join a ceremony, start from the coordinator's call; this is a %s message", "pour rejoindre une cérémonie, partez de l'appel du coordinateur ; ceci est un message %s"},
	{"this request is for ceremony %s, not the one of this key: %s", "cette demande est pour la cérémonie %s, pas celle de cette clé : %s"},
	{"the record's key ceremony is not complete", "la cérémonie des clés du registre n'est pas terminée"},
	{"cannot create %s: %v (is the stick plugged in and writable?)", "impossible de créer %s : %v (le support USB est-il branché et accessible en écriture ?)"},
	{"no such file or directory", "fichier ou dossier introuvable"},
	{"permission denied", "accès refusé"},
}

// plainEN gives plain English forms of the ceremony's sentences that a
// member reads as instructions (the ceremony's own words are for the
// record: deal, complaints, reveal).
var plainEN = [][2]string{
	{"read the ceremony fingerprint aloud, check that every member sees the same, then hand your deal to the coordinator", "read the ceremony fingerprint aloud, check that every member sees the same, then hand your shares for the other members to the coordinator"},
	{"hand your list of complaints to the coordinator (an empty list says every share was good)", "hand your verdict on the shares you received to the coordinator (a verdict with no objection says every share was good)"},
	{"you already checked your shares; hand this list to the coordinator", "you already checked your shares; hand this verdict to the coordinator"},
	{"nobody complained about your deal: you have nothing to hand in at this step", "nobody objected to your shares: you have nothing to hand in at this step"},
	{"%s complained about your share: it is revealed so that everyone can check it", "%s objected to your share: it is shown to everyone so that they can check it"},
	{"hand your answer to the complaints to the coordinator", "hand your answer to the objections to the coordinator"},
	{"read the transcript fingerprint %s aloud: every member must see the same; then hand your confirmation to the coordinator", "read the final fingerprint %s aloud: every member must see the same; then hand your confirmation to the coordinator"},
	{"QUAL is fixed: %d qualified members; nothing about the election key was public before (QUAL %s)", "the qualified members are fixed: %d qualified members; nothing about the election key was public before (qualified-members fingerprint %s)"},
	{"did not deal", "did not hand in its shares"},
	{"did not answer the complaint of %s", "did not answer the objection of %s"},
	{"revealed a share for %s that does not match its commitments", "showed a share for %s that does not match the values it had announced"},
	{"%s is qualified but did not open its commitments: your share of it is published so that its part of the key is rebuilt, not dropped", "%s is qualified but did not hand in its public part: your share of it is published so that its part of the key is rebuilt, not dropped"},
	{"you already opened your commitments; hand this opening to the coordinator", "you already made your public part; hand it to the coordinator"},
	{"hand your opening to the coordinator", "hand your public part of the key to the coordinator"},
}

type frPattern struct {
	re   *regexp.Regexp
	repl string
}

var verb = regexp.MustCompile(`%[qdsv]`)

// compileFR turns each English format into a pattern: %q matches a quoted
// string, %d a number, %s and %v any text (the shortest that lets the rest
// match; at the end of the sentence, all the rest), each captured and put
// back in the French format in order.
func compileFR(pairs [][2]string) []frPattern {
	out := make([]frPattern, 0, len(pairs))
	for _, p := range pairs {
		var re strings.Builder
		last := 0
		for _, loc := range verb.FindAllStringIndex(p[0], -1) {
			re.WriteString(regexp.QuoteMeta(p[0][last:loc[0]]))
			switch p[0][loc[0]+1] {
			case 'q':
				re.WriteString(`("(?:[^"\\]|\\.)*")`)
			case 'd':
				re.WriteString(`(\d+)`)
			default:
				if loc[1] == len(p[0]) {
					re.WriteString(`(.+)`) // last in the sentence: all the rest
				} else {
					re.WriteString(`(.+?)`)
				}
			}
			last = loc[1]
		}
		re.WriteString(regexp.QuoteMeta(p[0][last:]))
		n := 0
		repl := verb.ReplaceAllStringFunc(strings.ReplaceAll(p[1], "$", "$$"), func(string) string {
			n++
			return "${" + string(rune('0'+n)) + "}"
		})
		out = append(out, frPattern{regexp.MustCompile(re.String()), repl})
	}
	return out
}

var frPatterns, enPatterns = compileFR(ceremonyFR), compileFR(plainEN)

// packagePrefix is the "ceremony: " that errors of the packages below
// start with: useful in a log, noise on a member's screen.
var packagePrefix = regexp.MustCompile(`\b(ceremony|office|keystore|transfer|ur|qr|camera): `)

// localize shows a text of the packages below in the interface's language.
func localize(text string) string {
	text = packagePrefix.ReplaceAllString(text, "")
	pats := frPatterns
	if !french() {
		pats = enPatterns
	}
	for _, p := range pats {
		text = p.re.ReplaceAllString(text, p.repl)
	}
	return text
}

// explain shows an error in the interface's language: every error that
// reaches a screen goes through it (STYLE.md §7).
func explain(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, errCancel) {
		return lang.L("Cancelled: nothing was changed.")
	}
	var k keyed
	if errors.As(err, &k) {
		if text, ok := translate(k.Key()); ok {
			return text
		}
	}
	if french() {
		// The English text is more precise than its sentinel's, so the
		// sentinel stands in only where the text has no translation.
		for _, s := range sentinels {
			if errors.Is(err, s) {
				if text, ok := translate(s.Error(), nil); ok {
					return text
				}
			}
		}
		for _, c := range osCauses {
			if errors.Is(err, c.err) {
				return lang.L(c.key)
			}
		}
	}
	return localize(err.Error())
}

// kindName names a kind of message in plain words, as the member who made
// it sees it (the technical kind is for the record and the details).
func kindName(k ceremony.Kind) string {
	switch k {
	case ceremony.KindCall:
		return lang.L("The call to join the ceremony")
	case ceremony.KindCard:
		return lang.L("Your registration (your name and public keys)")
	case ceremony.KindManifest:
		return lang.L("The list of members")
	case ceremony.KindDeal:
		return lang.L("Your shares for the other members")
	case ceremony.KindComplaints:
		return lang.L("Your verdict on the shares you received")
	case ceremony.KindReveal:
		return lang.L("Your answer to the objections")
	case ceremony.KindOpen:
		return lang.L("Your public part of the key")
	case ceremony.KindRecover:
		return lang.L("Your shares of the silent members, to rebuild them")
	case ceremony.KindConfirm:
		return lang.L("Your confirmation")
	case ceremony.KindBundle:
		return lang.L("What the members need for the next step")
	case ceremony.KindElectionKey:
		return lang.L("The election key")
	case ceremony.KindRequest:
		return lang.L("The decryption request")
	case ceremony.KindAnswer:
		return lang.L("Your partial decryption")
	case ceremony.KindResult:
		return lang.L("The result")
	}
	return lang.L("A message of an unknown kind")
}
