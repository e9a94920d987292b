/* linalg.c: the little linear algebra the transforms need: a covariance
 * matrix and the eigen-decomposition of a symmetric matrix (cyclic Jacobi:
 * slow for big matrices, but exact to rounding, dependency-free and
 * deterministic, and the matrices here are at most a few hundred wide). */
#include "vc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int vc_covariance(const double *X, size_t n, size_t d, double *mean, double *cov)
{
    memset(mean, 0, d * sizeof *mean);
    memset(cov, 0, d * d * sizeof *cov);
    if (n == 0)
        return VC_OK;
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < d; a++)
            mean[a] += X[i * d + a];
    for (size_t a = 0; a < d; a++)
        mean[a] /= (double)n;
    double *r = malloc(d * sizeof *r);
    if (!r)
        return VC_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        for (size_t a = 0; a < d; a++)
            r[a] = X[i * d + a] - mean[a];
        for (size_t a = 0; a < d; a++)
            for (size_t b = a; b < d; b++)
                cov[a * d + b] += r[a] * r[b];
    }
    for (size_t a = 0; a < d; a++)
        for (size_t b = a; b < d; b++) {
            cov[a * d + b] /= (double)n;
            cov[b * d + a] = cov[a * d + b];
        }
    free(r);
    return VC_OK;
}

/* Eigenvalues (descending) into w, eigenvectors as columns of V (d x d,
 * row-major). A is destroyed. Each vector's largest entry is made positive
 * so the result does not depend on rotation order details. */
int vc_eigen_sym(double *A, size_t d, double *w, double *V)
{
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
            V[i * d + j] = i == j;
    for (int sweep = 0; sweep < 100; sweep++) {
        double off = 0, diag = 0;
        for (size_t p = 0; p < d; p++) {
            diag += A[p * d + p] * A[p * d + p];
            for (size_t q = p + 1; q < d; q++)
                off += A[p * d + q] * A[p * d + q];
        }
        if (off <= 1e-30 * (diag > 0 ? diag : 1))
            break;
        for (size_t p = 0; p < d; p++)
            for (size_t q = p + 1; q < d; q++) {
                double apq = A[p * d + q];
                if (fabs(apq) < 1e-300)
                    continue;
                double theta = (A[q * d + q] - A[p * d + p]) / (2 * apq);
                double t = (theta >= 0 ? 1 : -1) / (fabs(theta) + sqrt(theta * theta + 1));
                double c = 1 / sqrt(t * t + 1), s = t * c;
                for (size_t k = 0; k < d; k++) {      /* A = J^T A J */
                    double akp = A[k * d + p], akq = A[k * d + q];
                    A[k * d + p] = c * akp - s * akq;
                    A[k * d + q] = s * akp + c * akq;
                }
                for (size_t k = 0; k < d; k++) {
                    double apk = A[p * d + k], aqk = A[q * d + k];
                    A[p * d + k] = c * apk - s * aqk;
                    A[q * d + k] = s * apk + c * aqk;
                }
                for (size_t k = 0; k < d; k++) {
                    double vkp = V[k * d + p], vkq = V[k * d + q];
                    V[k * d + p] = c * vkp - s * vkq;
                    V[k * d + q] = s * vkp + c * vkq;
                }
            }
    }
    for (size_t i = 0; i < d; i++)
        w[i] = A[i * d + i];
    vc_eigen_sort(w, V, d);
    /* Fix each vector's sign (largest component positive), so that the
     * stored transform does not depend on rotation order accidents. */
    for (size_t i = 0; i < d; i++) {
        size_t big = 0;
        for (size_t k = 1; k < d; k++)
            if (fabs(V[k * d + i]) > fabs(V[big * d + i]))
                big = k;
        if (V[big * d + i] < 0)
            for (size_t k = 0; k < d; k++)
                V[k * d + i] = -V[k * d + i];
    }
    return VC_OK;
}

void vc_eigen_sort(double *w, double *V, size_t d)
{
    /* selection sort (d is small); stable for equal values, so ties keep
     * the order they came in */
    for (size_t i = 0; i < d; i++) {
        size_t best = i;
        for (size_t j = i + 1; j < d; j++)
            if (w[j] > w[best])
                best = j;
        if (best == i)
            continue;
        double t = w[i]; w[i] = w[best]; w[best] = t;
        for (size_t k = 0; k < d; k++) {
            double v = V[k * d + i];
            V[k * d + i] = V[k * d + best];
            V[k * d + best] = v;
        }
    }
}
