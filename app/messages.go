package app

import (
	"errors"
	"regexp"
	"strings"

	"fyne.io/fyne/v2/lang"

	"conclave/keystore"
)

// The packages below the application (ceremony, keystore, office) speak
// English: their texts serve the command line, logs and auditors. The
// application shows them in the member's language: keystore refusals by
// their sentinel error, the ceremony's checks by the shape of their
// sentence. A text with no French form is shown as it is.

// french reports whether the interface is in French.
func french() bool { return lang.L("@lang") == "fr" }

// keystoreFR gives, for each keystore refusal a member meets, what to show
// in French (errors.Is, so wrapped errors are found too).
var keystoreFR = []struct {
	err error
	fr  string
}{
	{keystore.ErrWrongPassphrase, "mauvaise phrase secrète : tapez-la à nouveau, en vérifiant le verrouillage des majuscules et la disposition du clavier (si vous en êtes sûr, le fichier a été modifié : utilisez votre copie de secours)"},
	{keystore.ErrOtherCeremony, "cette clé appartient à une autre cérémonie : apportez la clé USB utilisée pour cette cérémonie"},
	{keystore.ErrTruncated, "le fichier de clé est tronqué (coupé, par exemple clé USB retirée pendant une copie) : utilisez votre copie de secours"},
	{keystore.ErrDamaged, "le fichier de clé est endommagé (sa somme de contrôle ne correspond pas) : utilisez votre copie de secours"},
	{keystore.ErrMalformed, "le fichier de clé enfreint les règles du format bien que sa somme de contrôle soit intacte : il n'a pas été écrit par Conclave ; utilisez votre copie de secours"},
	{keystore.ErrTampered, "la phrase secrète est juste mais le secret scellé ne s'authentifie pas : le fichier a été modifié délibérément ; utilisez votre copie de secours et signalez-le"},
	{keystore.ErrNotKeystore, "ce fichier n'est pas un coffre de clés Conclave : choisissez le fichier de clé sur la clé USB du membre"},
	{keystore.ErrUnknownVersion, "le fichier de clé utilise une version de format que ce Conclave ne sait pas lire : ouvrez-le avec le Conclave qui l'a écrit ou un plus récent"},
	{keystore.ErrExists, "un fichier existe déjà à cet endroit et n'a pas été touché : choisissez un autre dossier ou un autre nom"},
	{keystore.ErrFileChanged, "le fichier de clé sur la clé USB n'est pas celui qui a été ouvert (autre clé USB, ou modifié par un autre programme) ; rien n'a été écrit : ouvrez la clé à nouveau"},
	{keystore.ErrUnreadable, "impossible de lire le fichier de clé : vérifiez que la clé USB est branchée et que le nom est juste"},
	{keystore.ErrWriteFailed, "l'écriture du fichier de clé a échoué : vérifiez la clé USB (branchée, pas pleine, pas en lecture seule) et réessayez"},
	{keystore.ErrBackupMismatch, "la copie ne se relit pas identique à la clé : refaites la copie de secours, sur une autre clé USB si cela se reproduit"},
	{keystore.ErrSameLocation, "le dossier de la copie de secours est celui de la clé elle-même : choisissez un dossier sur une seconde clé USB"},
	{keystore.ErrLockedMemory, "pas assez de mémoire verrouillée pour ouvrir le secret en sécurité : fermez les autres clés ouvertes, ou relevez la limite de mémoire verrouillée (ulimit -l), et réessayez"},
}

// ceremonyFR gives French forms of the ceremony's sentences: the English
// format (as the packages write it) and the French one, whose verbs come
// in the same order.
var ceremonyFR = [][2]string{
	{"the call is the one this keystore answered", "l'appel est celui auquel ce coffre de clés a répondu"},
	{"the manifest holds the call %q and %d signed cards, in order", "le manifeste contient l'appel %q et %d cartes signées, dans l'ordre"},
	{"your card is in it: you are member %d", "votre carte y figure : vous êtes le membre %d"},
	{"read the ceremony fingerprint aloud, check that every member sees the same, then hand your deal to the coordinator", "lisez l'empreinte de la cérémonie à voix haute, vérifiez que chaque membre voit la même, puis remettez votre distribution au coordinateur"},
	{"FAILED: the share from %s does not open: you complain", "ÉCHEC : la part de %s ne s'ouvre pas : vous portez plainte"},
	{"FAILED: the share from %s does not match its commitments: you complain", "ÉCHEC : la part de %s ne correspond pas à ses engagements : vous portez plainte"},
	{"the share from %s opens and matches its commitments", "la part de %s s'ouvre et correspond à ses engagements"},
	{"hand your list of complaints to the coordinator (an empty list says every share was good)", "remettez votre liste de plaintes au coordinateur (une liste vide dit que chaque part était bonne)"},
	{"you already checked your shares; hand this list to the coordinator", "vous avez déjà vérifié vos parts ; remettez cette liste au coordinateur"},
	{"nobody complained about your deal: you have nothing to hand in at this step", "personne ne s'est plaint de votre distribution : vous n'avez rien à remettre à cette étape"},
	{"%s complained about your share: it is revealed so that everyone can check it", "%s s'est plaint de votre part : elle est révélée pour que chacun puisse la vérifier"},
	{"hand your answer to the complaints to the coordinator", "remettez votre réponse aux plaintes au coordinateur"},
	{"you already confirmed; hand your confirmation to the coordinator", "vous avez déjà confirmé ; remettez votre confirmation au coordinateur"},
	{"your share matches your verification key; election key %s", "votre part correspond à votre clé de vérification ; clé de l'élection %s"},
	{"read the transcript fingerprint %s aloud: every member must see the same; then hand your confirmation to the coordinator", "lisez l'empreinte de la transcription %s à voix haute : chaque membre doit voir la même ; puis remettez votre confirmation au coordinateur"},
	{"the published election key is the one you confirmed, signed by all qualified members", "la clé de l'élection publiée est celle que vous avez confirmée, signée par tous les membres qualifiés"},
	{"the key ceremony is complete: keep your stick and your passphrase safe until the count", "la cérémonie des clés est terminée : gardez votre clé USB et votre phrase secrète en lieu sûr jusqu'au dépouillement"},
	{"you were disqualified (%s): you hold no share of this election key; the others go on without your contribution", "vous avez été disqualifié (%s) : vous ne détenez aucune part de cette clé d'élection ; les autres continuent sans votre contribution"},
	{"you were disqualified (%s): you hold no share of this election key", "vous avez été disqualifié (%s) : vous ne détenez aucune part de cette clé d'élection"},
	{"revealed a share for %s that does not match its commitments", "a révélé pour %s une part qui ne correspond pas à ses engagements"},
	{"you already opened your commitments; hand this opening to the coordinator", "vous avez déjà ouvert vos engagements ; remettez cette ouverture au coordinateur"},
	{"QUAL is fixed: %d qualified members; nothing about the election key was public before", "l'ensemble qualifié est fixé : %d membres qualifiés ; rien de la clé de l'élection n'était public auparavant"},
	{"hand your opening to the coordinator", "remettez votre ouverture au coordinateur"},
	{"you already published your shares of the silent members; hand them to the coordinator", "vous avez déjà publié vos parts des membres silencieux ; remettez-les au coordinateur"},
	{"%s is qualified but did not open its commitments: your share of it is published so that its part of the key is rebuilt, not dropped", "%s est qualifié mais n'a pas ouvert ses engagements : votre part de celui-ci est publiée pour que sa part de la clé soit reconstruite, pas écartée"},
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
	{"did not deal", "n'a pas distribué"},
	{"did not answer the complaint of %s", "n'a pas répondu à la plainte de %s"},
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
	{"member %d (%s)", "membre %d (%s)"},
	{"new keys made and sealed in your keystore", "nouvelles clés créées et scellées dans votre coffre de clés"},
	{"hand your card to the coordinator", "remettez votre carte au coordinateur"},
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

var frPatterns = compileFR(ceremonyFR)

// packagePrefix is the "ceremony: " that errors of the packages below
// start with: useful in a log, noise on a member's screen.
var packagePrefix = regexp.MustCompile(`\b(ceremony|office|keystore|transfer|ur|qr): `)

// localize shows a text of the packages below in the interface's language.
func localize(text string) string {
	text = packagePrefix.ReplaceAllString(text, "")
	if !french() {
		return text
	}
	for _, p := range frPatterns {
		text = p.re.ReplaceAllString(text, p.repl)
	}
	return text
}

// explain shows an error in the interface's language.
func explain(err error) string {
	if french() {
		for _, k := range keystoreFR {
			if errors.Is(err, k.err) {
				return k.fr
			}
		}
	}
	return localize(err.Error())
}
